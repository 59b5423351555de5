import { LSH_BANDS, NUM_PERM, signaturesAtLeast } from './minhash.js';

// Bucket chains grow long on templated text; comparing against the most recent few per band,
// and a bounded number in all, keeps a query O(1) whatever the dataset looks like.
const MAX_CANDIDATES_PER_BAND = 8;
const MAX_CANDIDATES = 32;

/**
 * LSH index over kept records: band keys → chains of record numbers, plus each record's 128-byte
 * compact signature. Memory is ~0.3 KB per kept record, never the records themselves.
 */
export class NearDuplicateIndex {
  #slotKeys: Uint32Array;
  #slotHeads: Int32Array; // entry index + 1; 0 is an empty slot
  #slotsUsed = 0;
  #entryRecord = new Int32Array(1024);
  #entryNext = new Int32Array(1024); // entry index + 1 of the next in the chain
  #entries = 0;
  #signatures = new Uint8Array(NUM_PERM * 256);
  #records = 0;
  // Candidates compared in the current query (at most MAX_CANDIDATES, so a scan beats a Set).
  readonly #seen = new Int32Array(MAX_CANDIDATES);

  constructor(readonly threshold: number) {
    this.#slotKeys = new Uint32Array(4096);
    this.#slotHeads = new Int32Array(4096);
  }

  /** Records kept so far. */
  get size(): number {
    return this.#records;
  }

  /**
   * True when the signature is at least `threshold` similar (estimated Jaccard) to a kept
   * record sharing a band; otherwise the record is kept (added) and false is returned.
   */
  checkAndAdd(keys: Uint32Array, keysOffset: number, signature: Uint8Array, sigOffset: number): boolean {
    let seen = 0;
    for (let b = 0; b < LSH_BANDS; b++) {
      const slot = this.#find(keys[keysOffset + b]!);
      let e = this.#slotKeys[slot] === keys[keysOffset + b] ? this.#slotHeads[slot]! : 0;
      for (let n = 0; e !== 0 && n < MAX_CANDIDATES_PER_BAND; n++) {
        const record = this.#entryRecord[e - 1]!;
        let known = false;
        for (let k = 0; k < seen; k++) if (this.#seen[k] === record) known = true;
        if (!known) {
          if (seen >= MAX_CANDIDATES) break;
          this.#seen[seen++] = record;
          if (signaturesAtLeast(this.#signatures, record * NUM_PERM, signature, sigOffset, this.threshold)) return true;
        }
        e = this.#entryNext[e - 1]!;
      }
    }
    this.#add(keys, keysOffset, signature, sigOffset);
    return false;
  }

  #add(keys: Uint32Array, keysOffset: number, signature: Uint8Array, sigOffset: number): void {
    const record = this.#records++;
    if ((record + 1) * NUM_PERM > this.#signatures.length) this.#signatures = grow(this.#signatures, this.#signatures.length * 2);
    this.#signatures.set(signature.subarray(sigOffset, sigOffset + NUM_PERM), record * NUM_PERM);
    for (let b = 0; b < LSH_BANDS; b++) {
      const key = keys[keysOffset + b]!;
      if ((this.#slotsUsed + 1) * 4 > this.#slotKeys.length * 3) this.#rehash();
      const slot = this.#find(key);
      if (this.#slotKeys[slot] !== key) {
        this.#slotKeys[slot] = key;
        this.#slotsUsed++;
      }
      if (this.#entries === this.#entryRecord.length) {
        this.#entryRecord = grow(this.#entryRecord, this.#entries * 2);
        this.#entryNext = grow(this.#entryNext, this.#entries * 2);
      }
      this.#entryRecord[this.#entries] = record;
      this.#entryNext[this.#entries] = this.#slotHeads[slot]!;
      this.#slotHeads[slot] = ++this.#entries;
    }
  }

  /** The slot holding key, or the empty slot where it would go (linear probing). */
  #find(key: number): number {
    const mask = this.#slotKeys.length - 1;
    let i = Math.imul(key, 0x9e3779b1) >>> 0 & mask;
    while (this.#slotKeys[i] !== 0 && this.#slotKeys[i] !== key) i = (i + 1) & mask;
    return i;
  }

  #rehash(): void {
    const oldKeys = this.#slotKeys;
    const oldHeads = this.#slotHeads;
    this.#slotKeys = new Uint32Array(oldKeys.length * 2);
    this.#slotHeads = new Int32Array(oldKeys.length * 2);
    for (let i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] === 0) continue;
      const slot = this.#find(oldKeys[i]!);
      this.#slotKeys[slot] = oldKeys[i]!;
      this.#slotHeads[slot] = oldHeads[i]!;
    }
  }
}

function grow<T extends Uint8Array | Int32Array>(array: T, length: number): T {
  const next = new (array.constructor as new (n: number) => T)(length);
  next.set(array);
  return next;
}
