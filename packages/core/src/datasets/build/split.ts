/**
 * Whether an example goes to the validation file: its digest's first 4 bytes as a fraction of
 * 2^32 below the split. Deterministic, and stable when other records are added or removed.
 */
export function isValidationExample(digest: Uint8Array, split: number, offset = 0): boolean {
  if (split <= 0) return false;
  const x = ((digest[offset]! << 24) | (digest[offset + 1]! << 16) | (digest[offset + 2]! << 8) | digest[offset + 3]!) >>> 0;
  return x / 0x1_0000_0000 < split;
}
