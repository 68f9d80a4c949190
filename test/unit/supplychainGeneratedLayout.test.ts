/**
 * The generated multi-platform layouts (test/unit/support/attestedLayouts.ts) read through the core,
 * so the integration and UI tests that use them stand on checked ground.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildImageGraph } from '../../src/core/model/imageGraph';
import { openSource } from '../../src/core/sources/openSource';
import { attestedImages, collectAttestations, readAttestationAt, attestationPlaces } from '../../src/core/supplychain';
import { CORPUS_DIR } from './support/corpus';
import { ALPINE_ATTESTATIONS, writeAttestedLayout, writeMalformedLayout } from './support/attestedLayouts';

describe('supplychain: generated attested layouts', function () {
  this.timeout(60_000);
  let scratch: string;
  before(function () {
    if (!existsSync(path.join(CORPUS_DIR, ALPINE_ATTESTATIONS))) this.skip();
    scratch = mkdtempSync(path.join(tmpdir(), 'cie-attested-'));
  });
  after(() => scratch && rmSync(scratch, { recursive: true, force: true }));

  it('each platform has an SPDX SBOM and a SLSA provenance about itself; the base image is a material', async () => {
    const layout = writeAttestedLayout(CORPUS_DIR, path.join(scratch, 'attested'));
    const source = await openSource(layout.directory);
    try {
      const graph = await buildImageGraph(source);
      assert.deepEqual(attestedImages(graph).map((node) => node.platform).sort(), ['linux/amd64', 'linux/arm64']);
      for (const [platform, image] of Object.entries(layout.images)) {
        const items = await collectAttestations(source, graph, image);
        assert.deepEqual(items.map((item) => item.summary.label), [`SBOM (SPDX 2.3) · ${layout.packageCount} packages`, `Provenance (SLSA v0.2) · buildkit · https://github.com/docker-library${platform === 'linux/arm64' ? ' · signed (DSSE)' : ''}`]);
        for (const item of items) {
          assert.deepEqual(item.summary.problems, [], `${platform} ${item.summary.label}`);
          assert.equal(item.platform, platform);
          assert.deepEqual(item.summary.subjects.map((subject) => subject.digest), [image]);
        }
        const provenance = await readAttestationAt(source, attestationPlaces(graph, image)[1]);
        assert.equal(provenance.provenance?.materials[0].digest, layout.base);
        assert.equal(provenance.provenance?.sources[0].filename, 'Dockerfile');
      }
    } finally {
      await source.close();
    }
  });

  it('the malformed layout reports each bad statement', async () => {
    const layout = writeMalformedLayout(path.join(scratch, 'malformed'), 2_000);
    const source = await openSource(layout.directory);
    try {
      const graph = await buildImageGraph(source);
      const items = await collectAttestations(source, graph, layout.image);
      assert.match(items[0].summary.problems.join('\n'), /DSSE payload is not valid base64/);
      assert.match(items[1].summary.problems.join('\n'), /"_type" is "https:\/\/in-toto.io\/Statement\/v9"/);
      assert.equal(items[2].summary.label, 'SBOM (SPDX 2.3) · 2,000 packages');
    } finally {
      await source.close();
    }
  });
});
