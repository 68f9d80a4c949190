/**
 * Documents made from a blob (formatted JSON, decoded statements) have no stored size: `stat`
 * has to make them to answer. Content never changes for a URI (it names a digest), so the last
 * few made are kept and `stat` then `readFile` make a document once, not twice (decoding a
 * 50k-package SBOM takes seconds).
 */
export class DerivedDocuments {
  private readonly made = new Map<string, Promise<Uint8Array>>();

  constructor(private readonly capacity = 8) {}

  get(key: string, make: () => Promise<Uint8Array>): Promise<Uint8Array> {
    let document = this.made.get(key);
    if (document === undefined) {
      document = make();
      // A failure is not kept: the next look tries again (a source may have been re-mounted).
      document.catch(() => this.made.delete(key));
    } else this.made.delete(key);
    this.made.set(key, document); // most recently used last
    while (this.made.size > this.capacity) this.made.delete(this.made.keys().next().value as string);
    return document;
  }

  clear(): void {
    this.made.clear();
  }
}
