import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { api, repoRoot } from './support';
import { findRow } from './treeRows';

const corpus = process.env.CIE_CORPUS ?? path.resolve(repoRoot, '../shared/corpus');
const attested = path.join(corpus, 'snyk__snyk-docker-plugin/test/fixtures/containerd-archives/busybox-single-arch-with-attestation-manifest.tar');

describe('attestations in the Images view', function () {
  this.timeout(60_000);

  before(function () {
    if (!existsSync(attested)) {
      console.log(`corpus not found at ${corpus}: attestation tests skipped`);
      this.skip();
    }
  });

  it('attaches BuildKit attestations to their image, labelled by what they are, with no unknown/unknown platform', async () => {
    const explorer = await api();
    await explorer.open(attested);
    const source = (await explorer.treeRoots()).find((row) => row.label === path.basename(attested));
    assert.ok(source);
    const unknown = await findRow(await source.children(), (row) => /unknown\/unknown/.test(`${row.label} ${row.description ?? ''}`), 2);
    assert.equal(unknown, undefined, 'no unknown/unknown row');
    const group = await findRow(await source.children(), (row) => row.label === 'Attestations');
    assert.ok(group, 'an Attestations group under the image');
    const statements = await group.children();
    assert.ok(statements.length > 0);
    for (const statement of statements) assert.match(statement.label, /^(SBOM|Provenance|Signature|Attestation|Vulnerability)/, statement.label);
  });
});
