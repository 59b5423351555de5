/** MinHash registers per signature. */
export const NUM_PERM = 128;
/** LSH bands × rows = NUM_PERM; 16×8 puts the S-curve's knee near 0.7, below any useful threshold. */
export const LSH_BANDS = 16;
export const LSH_ROWS = NUM_PERM / LSH_BANDS;
/** Characters per shingle. */
export const SHINGLE = 5;

const BIN_BITS = 7; // 2^7 = NUM_PERM bins
const VALUE_MASK = (1 << (32 - BIN_BITS)) - 1;
// Added per step when an empty bin borrows a neighbour's value, so borrowed values differ from
// the neighbour's own (Shrivastava & Li, "Densifying one permutation hashing", 2014).
const ROTATION_STEP = VALUE_MASK + 1;

const ORIGINAL = new Int32Array(NUM_PERM);
/** An empty register: 2^25, just above every 25-bit value (so a difference with one stays an int32). */
const EMPTY = VALUE_MASK + 1;
const ROLL_BASE = 0x01000193;
// Powers of ROLL_BASE mod 2^32, the weights of a shingle's first units (SHINGLE = 5).
const BASE_2 = Math.imul(ROLL_BASE, ROLL_BASE);
const BASE_3 = Math.imul(BASE_2, ROLL_BASE);
const BASE_4 = Math.imul(BASE_3, ROLL_BASE);

/**
 * Murmur3's 32-bit finaliser: spreads the bits of a shingle hash. Returns the bits as a signed
 * int32 (callers shift or mask them, or store them in a Uint32Array): a value past 2^31 would
 * otherwise be a heap number, not a small integer, in the hottest loop of a build.
 */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * MinHash signature of a text's character 5-shingles with 128 registers, computed by one
 * permutation hashing (Li, Owen & Zhang 2012): each shingle's hash picks a register by its top
 * 7 bits and competes there with its low 25 bits; empty registers are densified by rotation.
 * Equal registers estimate Jaccard similarity like 128 independent permutations would, at one
 * hash per shingle instead of 128 (that difference is most of a build's CPU otherwise).
 */
export function minhashSignature(text: string, out: Int32Array = new Int32Array(NUM_PERM)): Int32Array {
  const length = text.length;
  // A text past the kept workspace gets one of its own, so a huge record leaves nothing behind.
  const { registers, units, bytes } = length > workspace.units.length ? newWorkspace(length) : workspace;
  // Registers start above any 25-bit value, so a plain minimum fills them; still EMPTY at the end
  // means no shingle landed there.
  registers.fill(EMPTY);
  if (length < SHINGLE) {
    // The whole text is the only shingle.
    let h = 0;
    for (let j = 0; j < length; j++) h = (Math.imul(h, ROLL_BASE) + text.charCodeAt(j)) | 0;
    const x = fmix32(h);
    registers[x >>> (32 - BIN_BITS)] = x & VALUE_MASK;
  } else {
    // The text's UTF-16 units, copied natively into the workspace (the same units charCodeAt
    // reads, so the same signature).
    bytes.write(text, 0, 'utf16le');
    shingleMinimums(units, length, registers);
  }
  out.set(registers);
  // In a function of its own: inlined here, its loops slowed the shingle loop down.
  densify(out);
  return out;
}

/**
 * Where a signature is computed: its 128 registers at the start of one buffer, the text's units
 * from byte 2048 on. Reading a string's characters while updating a caller's register array ran
 * 3.3 or 9.5 ns per character from one process to the next, depending on where the two happened
 * to lie in memory (loads falsely held behind stores to an address 4 KB apart, it seems); laid
 * out together, the two never start on the same 4 KB offset, and every run takes the fast path.
 */
interface Workspace {
  readonly registers: Int32Array;
  readonly units: Uint16Array;
  readonly bytes: Buffer;
}
const UNITS_OFFSET = 2048;

function newWorkspace(units: number): Workspace {
  const capacity = Math.max(16_384, units);
  const buffer = new ArrayBuffer(UNITS_OFFSET + 2 * capacity);
  return {
    registers: new Int32Array(buffer, 0, NUM_PERM),
    units: new Uint16Array(buffer, UNITS_OFFSET, capacity),
    bytes: Buffer.from(buffer, UNITS_OFFSET, 2 * capacity),
  };
}
const workspace = newWorkspace(16_384);

/**
 * Lowers each register to the smallest value any shingle puts there. A shingle's hash is the
 * polynomial c0·B⁴ + c1·B³ + c2·B² + c3·B + c4 (mod 2^32) of its UTF-16 units, computed from the
 * five units directly rather than rolled from the previous shingle's hash: same value, but no
 * multiply chained from one position to the next, so consecutive positions overlap in the CPU.
 * fmix32 then spreads its bits.
 */
function shingleMinimums(units: Uint16Array, length: number, registers: Int32Array): void {
  // Module constants copied to locals, as in every hot loop of a build: V8 (Node 20) keeps a local
  // in a register but loads a module binding from the module's context at each use (measured:
  // docs/datasets.md, "Tuning constants").
  const b1 = ROLL_BASE;
  const b2 = BASE_2;
  const b3 = BASE_3;
  const b4 = BASE_4;
  const valueMask = VALUE_MASK;
  const binShift = 32 - BIN_BITS;
  let c0 = units[0]!;
  let c1 = units[1]!;
  let c2 = units[2]!;
  let c3 = units[3]!;
  for (let i = SHINGLE - 1; i < length; i++) {
    const c4 = units[i]!;
    const x = fmix32((Math.imul(c0, b4) + Math.imul(c1, b3) + Math.imul(c2, b2) + Math.imul(c3, b1) + c4) | 0);
    c0 = c1;
    c1 = c2;
    c2 = c3;
    c3 = c4;
    const bin = x >>> binShift;
    const current = registers[bin]!;
    // Branch-free minimum: whether a shingle lowers its register is a coin flip the branch
    // predictor keeps losing, and V8 compiles a ternary to a branch. Both values are below 2^26,
    // so their difference's sign bit says which is smaller (twice as fast as the ternary).
    const diff = (x & valueMask) - current;
    registers[bin] = current + (diff & (diff >> 31));
  }
}

/**
 * An empty register takes the next originally filled one to its right (circularly), shifted by
 * the distance, so two texts agree on it only when they agree on the donor.
 */
function densify(out: Int32Array): void {
  const original = ORIGINAL;
  const empty = EMPTY;
  const bins = NUM_PERM;
  original.set(out);
  for (let bin = 0; bin < bins; bin++) {
    if (original[bin] !== empty) continue;
    for (let step = 1; step < bins; step++) {
      const donor = original[(bin + step) % bins]!;
      if (donor !== empty) {
        out[bin] = (donor + step * ROTATION_STEP) | 0;
        break;
      }
    }
  }
}

/** One 32-bit key per LSH band (band index folded in, never 0), written at `out[offset..offset+LSH_BANDS)`. */
export function bandKeys(signature: Int32Array, out: Uint32Array = new Uint32Array(LSH_BANDS), offset = 0): Uint32Array {
  const bands = LSH_BANDS;
  const rows = LSH_ROWS;
  for (let b = 0; b < bands; b++) {
    let h = Math.imul(b + 1, 0x9e3779b1);
    for (let r = 0; r < rows; r++) h = fmix32(h ^ signature[b * rows + r]!);
    out[offset + b] = h === 0 ? 1 : h;
  }
  return out;
}

/** Bytes of a compact signature: 4 bits per register. */
export const SIGNATURE_BYTES = NUM_PERM / 2;
/** The chance that two unrelated registers agree on their low 4 bits. */
const CHANCE_MATCH = 1 / 16;

/**
 * The signature kept for later comparisons: the low 4 bits of each minimum (b-bit minwise
 * hashing, Li & König 2010), two registers per byte, 64 bytes instead of 512; written at
 * `out[offset..offset+SIGNATURE_BYTES)`. At the thresholds near-dedup uses (≥ 0.5) four bits
 * estimate about as well as eight (the chance agreement, 1/16, is corrected for), and the index
 * keeps one of these per kept record.
 */
export function compactSignature(signature: Int32Array, out: Uint8Array = new Uint8Array(SIGNATURE_BYTES), offset = 0): Uint8Array {
  const bytes = SIGNATURE_BYTES;
  for (let b = 0; b < bytes; b++) out[offset + b] = (signature[2 * b]! & 0x0f) | ((signature[2 * b + 1]! & 0x0f) << 4);
  return out;
}

/** Registers (of two per byte) on which the two bytes differ. */
const NIBBLE_MISMATCHES = Uint8Array.from({ length: 256 }, (_, x) => ((x & 0x0f) !== 0 ? 1 : 0) + ((x & 0xf0) !== 0 ? 1 : 0));

/**
 * Whether two compact signatures estimate a Jaccard similarity of at least `threshold`: the same
 * decision as `estimateJaccard(...) >= threshold`, but it stops at the first byte that makes the
 * threshold unreachable, which for an unrelated candidate is after a few bytes.
 */
export function signaturesAtLeast(a: Uint8Array, aOffset: number, b: Uint8Array, bOffset: number, threshold: number): boolean {
  const needed = Math.ceil((threshold * (1 - CHANCE_MATCH) + CHANCE_MATCH) * NUM_PERM - 1e-9);
  const allowedMismatches = NUM_PERM - needed;
  const table = NIBBLE_MISMATCHES;
  const bytes = SIGNATURE_BYTES;
  let mismatches = 0;
  for (let i = 0; i < bytes; i++) {
    mismatches += table[a[aOffset + i]! ^ b[bOffset + i]!]!;
    if (mismatches > allowedMismatches) return false;
  }
  return true;
}

/** Jaccard estimate from two compact signatures, corrected for chance agreement (1/16). */
export function estimateJaccard(a: Uint8Array, aOffset: number, b: Uint8Array, bOffset: number): number {
  const table = NIBBLE_MISMATCHES;
  let mismatches = 0;
  for (let i = 0; i < SIGNATURE_BYTES; i++) mismatches += table[a[aOffset + i]! ^ b[bOffset + i]!]!;
  const same = NUM_PERM - mismatches;
  return Math.max(0, (same / NUM_PERM - CHANCE_MATCH) / (1 - CHANCE_MATCH));
}
