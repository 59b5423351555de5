const DIGEST_BYTES = 32;

/**
 * Digests (32 bytes each) of the examples kept so far; a digest seen before is a duplicate.
 * An open-addressing hash set over one flat byte array: 32 bytes plus ~6 bytes of slot per kept
 * example, no per-entry objects or strings for the garbage collector to trace.
 */
export class ExactDuplicateIndex {
  #digests = new Uint8Array(DIGEST_BYTES * 1024);
  // Entry number + 1 per slot; 0 is empty. Kept at most half full.
  #slots = new Int32Array(2048);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** True when the digest at `digests[offset..offset+32)` was already added; otherwise adds it and returns false. */
  checkAndAdd(digests: Uint8Array, offset = 0): boolean {
    const slot = this.#find(digests, offset);
    if (this.#slots[slot] !== 0) return true;
    if ((this.#size + 1) * DIGEST_BYTES > this.#digests.length) {
      const next = new Uint8Array(this.#digests.length * 2);
      next.set(this.#digests);
      this.#digests = next;
    }
    this.#digests.set(digests.subarray(offset, offset + DIGEST_BYTES), this.#size * DIGEST_BYTES);
    this.#slots[slot] = ++this.#size;
    if (this.#size * 2 > this.#slots.length) this.#rehash();
    return false;
  }

  /** The slot holding this digest, or the empty slot where it would go (linear probing). */
  #find(digests: Uint8Array, offset: number): number {
    const mask = this.#slots.length - 1;
    // SHA-256 bytes are uniform: the first four are as good a hash as any.
    let i = ((digests[offset]! << 24) | (digests[offset + 1]! << 16) | (digests[offset + 2]! << 8) | digests[offset + 3]!) & mask;
    for (;;) {
      const entry = this.#slots[i]!;
      if (entry === 0 || this.#equals(entry - 1, digests, offset)) return i;
      i = (i + 1) & mask;
    }
  }

  #equals(entry: number, digests: Uint8Array, offset: number): boolean {
    const base = entry * DIGEST_BYTES;
    for (let k = 0; k < DIGEST_BYTES; k++) if (this.#digests[base + k] !== digests[offset + k]) return false;
    return true;
  }

  #rehash(): void {
    this.#slots = new Int32Array(this.#slots.length * 2);
    const mask = this.#slots.length - 1;
    for (let entry = 0; entry < this.#size; entry++) {
      const b = entry * DIGEST_BYTES;
      let i = ((this.#digests[b]! << 24) | (this.#digests[b + 1]! << 16) | (this.#digests[b + 2]! << 8) | this.#digests[b + 3]!) & mask;
      while (this.#slots[i] !== 0) i = (i + 1) & mask;
      this.#slots[i] = entry + 1;
    }
  }
}
