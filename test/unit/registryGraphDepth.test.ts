/**
 * buildImageGraph's `depth: 'roots'` (added for lazy registry mounts) on a local layout: only the
 * roots' documents are opened; the default walk is unchanged.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { buildImageGraph, expandGraphNode, isUnread } from '../../src/core/model/imageGraph';
import type { ImageSource } from '../../src/core/sources/imageSource';
import { openSource } from '../../src/core/sources/openSource';
import { FIXTURES } from './support/registryServer';

/** Wraps a source and records which digests were opened. */
function recording(source: ImageSource): { source: ImageSource; opened: string[] } {
  const opened: string[] = [];
  const wrapped: ImageSource = {
    kind: source.kind,
    location: source.location,
    format: source.format,
    roots: (options) => source.roots(options),
    stat: (digest, options) => source.stat(digest, options),
    open: (digest, range, options) => {
      opened.push(digest);
      return source.open(digest, range, options);
    },
    list: (options) => source.list(options),
    close: () => source.close(),
  };
  return { source: wrapped, opened };
}

describe('registry: buildImageGraph depth', () => {
  it("'roots' opens only the root documents; the default walk opens every manifest and reads configs", async () => {
    const layout = await openSource(path.join(FIXTURES, 'multi-platform-layout'));
    try {
      const shallow = recording(layout);
      const rootsOnly = await buildImageGraph(shallow.source, { depth: 'roots' });
      const rootDigest = rootsOnly.roots[0].digest;
      assert.deepEqual(shallow.opened, [rootDigest]);
      assert.deepEqual([...rootsOnly.documents.keys()], [rootDigest]);
      assert.deepEqual(rootsOnly.nodes.map((node) => node.kind), ['index', 'manifest', 'manifest']);

      const deep = recording(layout);
      const full = await buildImageGraph(deep.source);
      assert.equal(full.documents.size, 3);
      assert.deepEqual(full.nodes.map((node) => node.kind), ['index', 'manifest', 'manifest', 'config', 'layer', 'layer', 'layer', 'config', 'layer']);
      assert.deepEqual(full.nodes.slice(0, 3).map((node) => node.platform), rootsOnly.nodes.map((node) => node.platform), 'platforms come from the index either way');
      assert.ok(deep.opened.length >= 3);
    } finally {
      await layout.close();
    }
  });

  it('expandGraphNode reads one platform image (manifest, then config only for an unknown platform) and reaches the full graph', async () => {
    const layout = await openSource(path.join(FIXTURES, 'multi-platform-layout'));
    try {
      const full = await buildImageGraph(layout);
      const recorded = recording(layout);
      const graph = await buildImageGraph(recorded.source, { depth: 'roots' });
      const [, amd64, arm64] = graph.nodes;
      assert.ok(isUnread(graph, amd64) && isUnread(graph, arm64));
      recorded.opened.length = 0;
      const added = await expandGraphNode(recorded.source, graph, amd64.digest);
      assert.deepEqual(recorded.opened, [amd64.digest], 'the platform is known from the index: only the manifest is read');
      assert.deepEqual(added.map((node) => node.kind), ['config', 'layer', 'layer', 'layer']);
      assert.ok(!isUnread(graph, amd64) && isUnread(graph, arm64), 'the other platform stays unread');
      assert.deepEqual(await expandGraphNode(recorded.source, graph, amd64.digest), [], 'a second expansion reads nothing');
      assert.equal(recorded.opened.length, 1);
      await expandGraphNode(recorded.source, graph, arm64.digest);
      const shape = (nodes: typeof graph.nodes) => nodes.map((node) => [node.digest, node.kind, node.platform ?? '', [...node.parents].sort().join(',')]).sort();
      assert.deepEqual(shape(graph.nodes), shape(full.nodes), 'expanding every image gives the graph a full walk gives');
      assert.deepEqual([...graph.documents.keys()].sort(), [...full.documents.keys()].sort());
    } finally {
      await layout.close();
    }
  });
});
