import { LSH_BANDS, NUM_PERM, signaturesAtLeast } from './minhash.js';

// A band key shared by many records (templated text) would make every query compare against
// all of them: each key indexes its first few records only, and a query compares a bounded
// number in all, so a query is O(1) whatever the dataset looks like.
const MAX_RECORDS_PER_KEY = 8;
const MAX_CANDIDATES = 32;
// Linear probing stays short below this load; the table doubles past it.
const MAX_LOAD = 0.8;

/**
 * LSH index over kept records: (band key, record) pairs in one open-addressing table (a key
 * appears at most MAX_RECORDS_PER_KEY times), plus each record's 128-byte compact signature.
 * About 0.3 KB per kept record in flat typed arrays, never the records themselves.
 */
export class NearDuplicateIndex {
  #keys = new Uint32Array(1 << 14);
  #records = new Int32Array(1 << 14);
  #used = 0;
  #signatures = new Uint8Array(NUM_PERM * 256);
  #size = 0;
  // Records compared in the current query (at most MAX_CANDIDATES, so a scan beats a Set).
  readonly #seen = new Int32Array(MAX_CANDIDATES);

  constructor(readonly threshold: number) {}

  /** Records kept so far. */
  get size(): number {
    return this.#size;
  }

  /**
   * True when the signature is at least `threshold` similar (estimated Jaccard) to a kept
   * record sharing a band; otherwise the record is kept (added) and false is returned.
   */
  checkAndAdd(keys: Uint32Array, keysOffset: number, signature: Uint8Array, sigOffset: number): boolean {
    let seen = 0;
    const mask = this.#keys.length - 1;
    for (let b = 0; b < LSH_BANDS && seen < MAX_CANDIDATES; b++) {
      const key = keys[keysOffset + b]!;
      for (let i = slotOf(key, mask); this.#keys[i] !== 0; i = (i + 1) & mask) {
        if (this.#keys[i] !== key) continue;
        const record = this.#records[i]!;
        let known = false;
        for (let k = 0; k < seen; k++) if (this.#seen[k] === record) known = true;
        if (known) continue;
        this.#seen[seen++] = record;
        if (signaturesAtLeast(this.#signatures, record * NUM_PERM, signature, sigOffset, this.threshold)) return true;
        if (seen >= MAX_CANDIDATES) break;
      }
    }
    this.#add(keys, keysOffset, signature, sigOffset);
    return false;
  }

  #add(keys: Uint32Array, keysOffset: number, signature: Uint8Array, sigOffset: number): void {
    const record = this.#size++;
    if ((record + 1) * NUM_PERM > this.#signatures.length) {
      const next = new Uint8Array(this.#signatures.length * 2);
      next.set(this.#signatures);
      this.#signatures = next;
    }
    this.#signatures.set(signature.subarray(sigOffset, sigOffset + NUM_PERM), record * NUM_PERM);
    for (let b = 0; b < LSH_BANDS; b++) {
      if (this.#used + 1 > this.#keys.length * MAX_LOAD) this.#rehash();
      const key = keys[keysOffset + b]!;
      const mask = this.#keys.length - 1;
      let same = 0;
      let i = slotOf(key, mask);
      for (; this.#keys[i] !== 0; i = (i + 1) & mask) if (this.#keys[i] === key) same++;
      if (same >= MAX_RECORDS_PER_KEY) continue;
      this.#keys[i] = key;
      this.#records[i] = record;
      this.#used++;
    }
  }

  #rehash(): void {
    const oldKeys = this.#keys;
    const oldRecords = this.#records;
    this.#keys = new Uint32Array(oldKeys.length * 2);
    this.#records = new Int32Array(oldKeys.length * 2);
    const mask = this.#keys.length - 1;
    // In slot order per key run, so a key's records keep their insertion order.
    for (let j = 0; j < oldKeys.length; j++) {
      const key = oldKeys[j]!;
      if (key === 0) continue;
      let i = slotOf(key, mask);
      while (this.#keys[i] !== 0) i = (i + 1) & mask;
      this.#keys[i] = key;
      this.#records[i] = oldRecords[j]!;
    }
  }
}

/** Home slot of a band key (already a well-mixed hash; spread once more for the low bits). */
function slotOf(key: number, mask: number): number {
  return (Math.imul(key, 0x9e3779b1) >>> 0) & mask;
}
