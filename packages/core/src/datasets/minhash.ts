/** MinHash permutations per signature. */
export const NUM_PERM = 128;
/** LSH bands × rows = NUM_PERM; 16×8 puts the S-curve's knee near 0.7, below any useful threshold. */
export const LSH_BANDS = 16;
export const LSH_ROWS = NUM_PERM / LSH_BANDS;
/** Characters per shingle. */
export const SHINGLE = 5;

// Fixed seeds: signatures must be identical across processes, runs and worker threads.
const A = new Uint32Array(NUM_PERM);
const B = new Uint32Array(NUM_PERM);
{
  let s = 0x9e3779b9;
  const next = (): number => {
    // xorshift32: deterministic parameters for the permutations
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  for (let i = 0; i < NUM_PERM; i++) {
    A[i] = next() | 1; // odd multipliers make x → a·x + b a bijection mod 2^32
    B[i] = next();
  }
}

/** Murmur3's 32-bit finaliser: spreads the bits of a shingle hash before the permutations. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * MinHash signature of a text's character 5-shingles: for each of 128 universal hash
 * permutations, the minimum over the shingles. Texts shorter than a shingle hash as one shingle.
 */
export function minhashSignature(text: string, out: Uint32Array = new Uint32Array(NUM_PERM)): Uint32Array {
  out.fill(0xffffffff);
  const n = Math.max(1, text.length - SHINGLE + 1);
  for (let i = 0; i < n; i++) {
    let h = 0x811c9dc5; // FNV-1a over the shingle's UTF-16 units
    const end = Math.min(text.length, i + SHINGLE);
    for (let j = i; j < end; j++) h = Math.imul(h ^ text.charCodeAt(j), 0x01000193);
    const x = fmix32(h);
    for (let p = 0; p < NUM_PERM; p++) {
      const v = (Math.imul(A[p]!, x) + B[p]!) >>> 0;
      if (v < out[p]!) out[p] = v;
    }
  }
  return out;
}

/** One 32-bit key per LSH band (band index folded in, never 0). */
export function bandKeys(signature: Uint32Array, out: Uint32Array = new Uint32Array(LSH_BANDS)): Uint32Array {
  for (let b = 0; b < LSH_BANDS; b++) {
    let h = Math.imul(b + 1, 0x9e3779b1);
    for (let r = 0; r < LSH_ROWS; r++) h = fmix32(h ^ signature[b * LSH_ROWS + r]!);
    out[b] = h === 0 ? 1 : h;
  }
  return out;
}

/**
 * The signature kept for later comparisons: the low byte of each minimum (b-bit minwise
 * hashing, Li & König 2010), 128 bytes instead of 512.
 */
export function compactSignature(signature: Uint32Array, out: Uint8Array = new Uint8Array(NUM_PERM)): Uint8Array {
  for (let p = 0; p < NUM_PERM; p++) out[p] = signature[p]! & 0xff;
  return out;
}

/** Jaccard estimate from two 8-bit signatures, corrected for chance byte collisions (1/256). */
export function estimateJaccard(a: Uint8Array, aOffset: number, b: Uint8Array, bOffset: number): number {
  let same = 0;
  for (let p = 0; p < NUM_PERM; p++) if (a[aOffset + p] === b[bOffset + p]) same++;
  const c = 1 / 256;
  return Math.max(0, (same / NUM_PERM - c) / (1 - c));
}
