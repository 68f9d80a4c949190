import * as assert from 'node:assert/strict';
import { digestMentionAt, findDigestMentions } from '../../src/core/model/digestReferences';

const hex = 'ab'.repeat(32);

describe('digest mentions', () => {
  it('finds prefixed digests and in-toto bare hex, with exact ranges', () => {
    const text = `{"config":{"digest":"sha256:${hex}"},"subject":[{"digest":{"sha256": "${hex}"}}],"x":"sha256:${hex}z"}`;
    const mentions = findDigestMentions(text);
    assert.equal(mentions.length, 2, 'a digest glued to more word characters is not one');
    assert.equal(text.slice(mentions[0].offset, mentions[0].offset + mentions[0].length), `sha256:${hex}`);
    assert.equal(text.slice(mentions[1].offset, mentions[1].offset + mentions[1].length), hex);
    assert.equal(mentions[1].digest, `sha256:${hex}`);
    assert.equal(digestMentionAt(text, mentions[1].offset + 3)?.digest, `sha256:${hex}`);
    assert.equal(digestMentionAt(text, 2), undefined);
  });

  it('ignores a hex of the wrong length for its algorithm', () => {
    assert.deepEqual(findDigestMentions(`{"sha512": "${hex}"}`), []);
  });
});
