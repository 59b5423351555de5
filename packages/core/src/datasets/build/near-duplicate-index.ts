import { LSH_BANDS, SIGNATURE_BYTES, signaturesAtLeast } from './minhash.js';

// A band key shared by many records (templated text) would make every query compare against
// all of them: each key indexes its first few records only, and a query compares a bounded
// number in all, so a query is O(1) whatever the dataset looks like.
const MAX_RECORDS_PER_KEY = 8;
const MAX_CANDIDATES = 32;
// Linear probing stays short below this load; a band's table doubles past it.
const MAX_LOAD = 0.8;
// Compact signatures are kept in fixed chunks: growing never copies (or briefly doubles) them.
const SIGNATURES_PER_CHUNK = 8192;

/**
 * One band's (band key, record) pairs: an open-addressing table, each slot two int32s side by
 * side (key, record), so a probe touches one cache line. Key 0 marks an empty slot (band keys
 * are never 0). A key's records sit in its probe run in insertion order.
 */
class BandTable {
  slots = new Int32Array(2 * 1024);
  used = 0;

  get capacity(): number {
    return this.slots.length >> 1;
  }

  grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    const mask = this.capacity - 1;
    // In slot order per key run, so a key's records keep their insertion order.
    for (let j = 0; j < old.length; j += 2) {
      const key = old[j]!;
      if (key === 0) continue;
      let i = homeSlot(key, mask);
      while (this.slots[2 * i] !== 0) i = (i + 1) & mask;
      this.slots[2 * i] = key;
      this.slots[2 * i + 1] = old[j + 1]!;
    }
  }
}

/**
 * LSH index over kept records: per band, a table of (band key, record) pairs in which a key
 * appears at most MAX_RECORDS_PER_KEY times (its first records), plus each record's 64-byte
 * compact signature: 0.22-0.38 KB per kept record (with the tables full or just grown) in flat typed arrays, never the records
 * themselves; each band's table grows on its own, so growth never doubles the whole index at once.
 */
export class NearDuplicateIndex {
  readonly #bands = Array.from({ length: LSH_BANDS }, () => new BandTable());
  readonly #signatureChunks: Uint8Array[] = [];
  #size = 0;
  // Records compared in the current query (at most MAX_CANDIDATES, so a scan beats a Set).
  readonly #seen = new Int32Array(MAX_CANDIDATES);
  // Per band of the current query: the empty slot ending the key's run, and its records there.
  readonly #insertAt = new Int32Array(LSH_BANDS);
  readonly #sameKey = new Int32Array(LSH_BANDS);
  #touched = 0;

  constructor(readonly threshold: number) {}

  /** Records kept so far. */
  get size(): number {
    return this.#size;
  }

  /** Bytes the index holds: every band's table and the signature chunks. */
  get bytes(): number {
    let bytes = this.#signatureChunks.length * SIGNATURES_PER_CHUNK * SIGNATURE_BYTES;
    for (const band of this.#bands) bytes += band.slots.byteLength;
    return bytes;
  }

  /**
   * True when the signature is at least `threshold` similar (estimated Jaccard) to a kept
   * record sharing a band; otherwise the record is kept (added) and false is returned.
   */
  checkAndAdd(keys: Uint32Array, keysOffset: number, signature: Uint8Array, sigOffset: number): boolean {
    // Module constants as locals, as in every hot loop (see minhash.ts).
    const bands = LSH_BANDS;
    const maxCandidates = MAX_CANDIDATES;
    const perChunk = SIGNATURES_PER_CHUNK;
    const signatureBytes = SIGNATURE_BYTES;
    let seen = 0;
    // The 16 home slots are random places in ~0.5 KB per kept record of tables: first read all of
    // them, independent loads whose cache misses the CPU overlaps, instead of one miss at a time
    // behind each band's data-dependent probe loop (a quarter less time at 200k records).
    let touched = 0;
    for (let b = 0; b < bands; b++) {
      const table = this.#bands[b]!;
      touched |= table.slots[2 * homeSlot(keys[keysOffset + b]! | 0, table.capacity - 1)]!;
    }
    this.#touched = touched; // kept, so the compiler cannot drop the loads
    // One pass per band finds the candidates and where this record would go.
    for (let b = 0; b < bands; b++) {
      const table = this.#bands[b]!;
      if (table.used + 1 > table.capacity * MAX_LOAD) table.grow();
      const slots = table.slots;
      const mask = table.capacity - 1;
      const key = keys[keysOffset + b]! | 0;
      let same = 0;
      let i = homeSlot(key, mask);
      for (; slots[2 * i] !== 0; i = (i + 1) & mask) {
        if (slots[2 * i] !== key) continue;
        same++;
        if (seen >= maxCandidates) continue;
        const record = slots[2 * i + 1]!;
        let known = false;
        for (let k = 0; k < seen; k++) if (this.#seen[k] === record) known = true;
        if (!known) this.#seen[seen++] = record;
      }
      this.#insertAt[b] = i;
      this.#sameKey[b] = same;
    }
    if (seen > 0) {
      // Candidates' signatures are random places in ~64 bytes per kept record: as above, touch
      // them all first, so their cache misses overlap instead of each waiting behind the compare
      // before it (the bench's small-vocabulary text gives ~3 candidates per record at 200k).
      const chunks = this.#signatureChunks;
      for (let k = 0; k < seen; k++) {
        const record = this.#seen[k]!;
        touched |= chunks[(record / perChunk) | 0]![(record % perChunk) * signatureBytes]!;
      }
      this.#touched = touched;
      for (let k = 0; k < seen; k++) {
        const record = this.#seen[k]!;
        const chunk = chunks[(record / perChunk) | 0]!;
        if (signaturesAtLeast(chunk, (record % perChunk) * signatureBytes, signature, sigOffset, this.threshold)) return true;
      }
    }
    this.#add(keys, keysOffset, signature, sigOffset);
    return false;
  }

  #add(keys: Uint32Array, keysOffset: number, signature: Uint8Array, sigOffset: number): void {
    const record = this.#size++;
    const chunkIndex = (record / SIGNATURES_PER_CHUNK) | 0;
    if (chunkIndex === this.#signatureChunks.length) this.#signatureChunks.push(new Uint8Array(SIGNATURES_PER_CHUNK * SIGNATURE_BYTES));
    this.#signatureChunks[chunkIndex]!.set(signature.subarray(sigOffset, sigOffset + SIGNATURE_BYTES), (record % SIGNATURES_PER_CHUNK) * SIGNATURE_BYTES);
    for (let b = 0; b < LSH_BANDS; b++) {
      if (this.#sameKey[b]! >= MAX_RECORDS_PER_KEY) continue;
      // The slot found while checking is still free: each band has its own table, and nothing
      // was added since (tables grow before the check, never in between).
      const table = this.#bands[b]!;
      const i = this.#insertAt[b]!;
      table.slots[2 * i] = keys[keysOffset + b]! | 0;
      table.slots[2 * i + 1] = record;
      table.used++;
    }
  }
}

/** Home slot of a band key (already a well-mixed hash; spread once more for the low bits). */
function homeSlot(key: number, mask: number): number {
  return (Math.imul(key, 0x9e3779b1) >>> 0) & mask;
}
