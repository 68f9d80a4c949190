/** The summary view's page, built without VS Code: what it shows, and that nothing in a statement can inject markup or code. */
import * as assert from 'node:assert/strict';
import { readAttestation } from '../../src/core/supplychain';
import { summaryHtml } from '../../src/vscode/attestationSummary/summaryHtml';
import { summaryModel } from '../../src/vscode/attestationSummary/summaryModel';
import type { GraphNode } from '../../src/core/model/imageGraph';

const IMAGE = `sha256:${'ab'.repeat(32)}`;
const BASE = `sha256:${'cd'.repeat(32)}`;
const resources = { cspSource: 'https://webview.example', nonce: 'NONCE123', scriptUri: 'https://webview.example/media/attestation-summary.js', styleUri: 'https://webview.example/media/attestation-summary.css' };
const lookup = (digest: string) => (digest === IMAGE || digest === BASE ? ({ digest, platform: 'linux/amd64' } as GraphNode) : undefined);
const statement = (predicateType: string, predicate: unknown) => Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', predicateType, subject: [{ name: 'app', digest: { sha256: IMAGE.slice(7) } }], predicate }));

describe('attestation summary page', () => {
  it('an SBOM: packages in a data block the script reads, licence counts, the subject linked', () => {
    const document = readAttestation(statement('https://spdx.dev/Document', { spdxVersion: 'SPDX-2.3', packages: [{ name: 'zlib', versionInfo: '1.3', licenseConcluded: 'Zlib' }, { name: '</script><script>alert(1)</script>', licenseDeclared: 'MIT' }] }));
    const model = summaryModel(document, 'SBOM abcd', lookup);
    assert.deepEqual(model.licences, [{ licence: 'MIT', count: 1 }, { licence: 'Zlib', count: 1 }]);
    assert.equal(model.subjects[0].inSource, 'linux/amd64');
    const html = summaryHtml(model, resources);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src https:\/\/webview.example; style-src https:\/\/webview.example; script-src 'nonce-NONCE123';">/);
    assert.equal((html.match(/<script nonce="NONCE123"/g) ?? []).length, 1, 'one script, ours');
    assert.ok(!html.includes('<script><'), 'a package name cannot close the data block');
    const data = /<script type="application\/json" id="cie-packages">(.*?)<\/script>/s.exec(html)?.[1];
    assert.deepEqual((JSON.parse(data!) as Array<{ name: string }>).map((item) => item.name), ['zlib', '</script><script>alert(1)</script>']);
    assert.match(html, new RegExp(`<a href="#" class="digest" data-digest="${IMAGE}"`));
    const withState = summaryHtml(model, { ...resources, state: { spec: '/tmp/a "b".tar', digest: IMAGE, title: 'SBOM' } });
    assert.match(withState, /<body data-state="\{&#34;spec&#34;:&#34;\/tmp\/a \\&#34;b\\&#34;.tar&#34;,/, 'the restore state is an escaped attribute');
    assert.ok(!/https?:\/\/(?!webview\.example|spdx\.dev)/.test(html.replace(/<script type="application\/json"[\s\S]*?<\/script>/, '')), 'no remote resources');
  });

  it('a provenance: builder facts, materials (linked only when in the source), build args, embedded sources; text is escaped', () => {
    const predicate = {
      buildType: 'https://mobyproject.org/buildkit@v1',
      builder: { id: 'https://example.com/<b>builder</b>' },
      invocation: { parameters: { frontend: 'dockerfile.v0', args: { 'build-arg:VERSION': '"1" & <2>' } } },
      materials: [{ uri: 'pkg:docker/base@1', digest: { sha256: BASE.slice(7) } }, { uri: 'pkg:docker/other@1', digest: { sha256: 'ef'.repeat(32) } }],
      metadata: { 'https://mobyproject.org/buildkit@v1#metadata': { source: { infos: [{ filename: 'Dockerfile', language: 'Dockerfile', data: Buffer.from('FROM scratch\n').toString('base64') }] } } },
    };
    const model = summaryModel(readAttestation(statement('https://slsa.dev/provenance/v0.2', predicate)), 'Provenance', lookup);
    const html = summaryHtml(model, resources);
    assert.match(html, /<th scope="row">Builder<\/th><td class="wrap">https:\/\/example.com\/&#60;b&#62;builder&#60;\/b&#62;<\/td>/);
    assert.match(html, /<th scope="row">VERSION<\/th><td class="wrap">&#34;1&#34; &#38; &#60;2&#62;<\/td>/);
    assert.match(html, new RegExp(`data-digest="${BASE}"`));
    assert.ok(!html.includes(`data-digest="sha256:${'ef'.repeat(32)}"`), 'a material the source lacks is not a link');
    assert.match(html, /not in this source/);
    assert.match(html, /<a href="#" class="source" data-source="0">Dockerfile<\/a>/);
    assert.ok(!html.includes('id="filter"'), 'no packages table for a provenance');
  });

  it('problems come first, in words', () => {
    const model = summaryModel(readAttestation(Buffer.from(JSON.stringify({ _type: 'x', predicateType: 'https://spdx.dev/Document', subject: [], predicate: { spdxVersion: 'SPDX-2.3', packages: [] } }))), 'bad', lookup);
    assert.match(summaryHtml(model, resources), /<h2>Problems<\/h2><ul><li>in-toto statement &#34;_type&#34; is &#34;x&#34;/);
  });
});
