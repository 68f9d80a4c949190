/** A digest mentioned in a document: where it stands and what it says. */
export interface DigestMention {
  /** Offset of the first character of the mention in the text. */
  offset: number;
  length: number;
  /** The full digest (`sha256:<hex>`), also for in-toto's bare `"sha256": "<hex>"` form. */
  digest: string;
}

const PREFIXED = /\b(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})\b/g;
/** in-toto subjects and SLSA materials spell digests as `{"sha256": "<hex>"}`. */
const BARE = /"(sha256|sha512)"\s*:\s*"([a-f0-9]{64}|[a-f0-9]{128})"/g;

/** Finds every digest in a text (manifests, configs, in-toto statements), in order of appearance. */
export function findDigestMentions(text: string): DigestMention[] {
  const mentions: DigestMention[] = [];
  for (const match of text.matchAll(PREFIXED)) mentions.push({ offset: match.index, length: match[0].length, digest: match[0] });
  for (const match of text.matchAll(BARE)) {
    const [whole, algorithm, hex] = match;
    if ((algorithm === 'sha256') !== (hex.length === 64)) continue;
    mentions.push({ offset: match.index + whole.length - hex.length - 1, length: hex.length, digest: `${algorithm}:${hex}` });
  }
  return mentions.sort((a, b) => a.offset - b.offset);
}

/** The mention covering `offset`, if any. */
export function digestMentionAt(text: string, offset: number): DigestMention | undefined {
  return findDigestMentions(text).find((mention) => offset >= mention.offset && offset <= mention.offset + mention.length);
}
