/**
 * Bytes of each digest the index keeps: the first 128 bits of the SHA-256. Two different
 * examples share them with a chance of about n²/2^129 for n kept examples (below 10^-20 for a
 * billion), and the index takes half the memory.
 */
const KEPT_BYTES = 16;
// Kept digests live in fixed chunks: growing never copies (or briefly doubles) them.
const DIGESTS_PER_CHUNK = 8192;

/**
 * Digests of the examples kept so far; a digest seen before is a duplicate. An open-addressing
 * hash set over flat byte chunks: 16 bytes plus ~6 bytes of slot per kept example, no per-entry
 * objects or strings for the garbage collector to trace.
 */
export class ExactDuplicateIndex {
  readonly #chunks: Uint8Array[] = [];
  // Entry number + 1 per slot; 0 is empty. Kept at most half full.
  #slots = new Int32Array(2048);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Bytes the index holds: its slot table and digest chunks. */
  get bytes(): number {
    return this.#slots.byteLength + this.#chunks.length * DIGESTS_PER_CHUNK * KEPT_BYTES;
  }

  /** True when the digest at `digests[offset..offset+32)` was already added; otherwise adds it and returns false. */
  checkAndAdd(digests: Uint8Array, offset = 0): boolean {
    const slot = this.#find(digests, offset);
    if (this.#slots[slot] !== 0) return true;
    const entry = this.#size;
    const chunk = (entry / DIGESTS_PER_CHUNK) | 0;
    if (chunk === this.#chunks.length) this.#chunks.push(new Uint8Array(DIGESTS_PER_CHUNK * KEPT_BYTES));
    this.#chunks[chunk]!.set(digests.subarray(offset, offset + KEPT_BYTES), (entry % DIGESTS_PER_CHUNK) * KEPT_BYTES);
    this.#slots[slot] = ++this.#size;
    if (this.#size * 2 > this.#slots.length) this.#rehash();
    return false;
  }

  /** The slot holding this digest, or the empty slot where it would go (linear probing). */
  #find(digests: Uint8Array, offset: number): number {
    const mask = this.#slots.length - 1;
    // SHA-256 bytes are uniform: the first four are as good a hash as any.
    let i = readUint32(digests, offset) & mask;
    for (;;) {
      const entry = this.#slots[i]!;
      if (entry === 0 || this.#equals(entry - 1, digests, offset)) return i;
      i = (i + 1) & mask;
    }
  }

  #equals(entry: number, digests: Uint8Array, offset: number): boolean {
    const chunk = this.#chunks[(entry / DIGESTS_PER_CHUNK) | 0]!;
    const base = (entry % DIGESTS_PER_CHUNK) * KEPT_BYTES;
    for (let k = 0; k < KEPT_BYTES; k++) if (chunk[base + k] !== digests[offset + k]) return false;
    return true;
  }

  #rehash(): void {
    this.#slots = new Int32Array(this.#slots.length * 2);
    const mask = this.#slots.length - 1;
    for (let entry = 0; entry < this.#size; entry++) {
      let i = readUint32(this.#chunks[(entry / DIGESTS_PER_CHUNK) | 0]!, (entry % DIGESTS_PER_CHUNK) * KEPT_BYTES) & mask;
      while (this.#slots[i] !== 0) i = (i + 1) & mask;
      this.#slots[i] = entry + 1;
    }
  }
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
}
