/** Digests (32 bytes each) of the examples kept so far; a digest seen before is a duplicate. */
export class ExactDuplicateIndex {
  // latin1 strings of 32 chars: the cheapest hashable form of 32 bytes in a JS Set
  readonly #digests = new Set<string>();

  get size(): number {
    return this.#digests.size;
  }

  /** True when the digest was already added; otherwise adds it and returns false. */
  checkAndAdd(digest: Uint8Array): boolean {
    const key = Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).toString('latin1');
    if (this.#digests.has(key)) return true;
    this.#digests.add(key);
    return false;
  }
}
