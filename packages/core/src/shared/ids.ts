import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

// Ids are minted on every request: one 4 KiB fill of randomness serves 256 of them instead of a
// syscall-backed randomBytes() per id.
const RANDOM_POOL_BYTES = 4096;
const randomPool = Buffer.allocUnsafe(RANDOM_POOL_BYTES);
let randomOffset = RANDOM_POOL_BYTES;

function takeRandom(length: number): Buffer {
  if (randomOffset + length > RANDOM_POOL_BYTES) {
    randomFillSync(randomPool);
    randomOffset = 0;
  }
  const slice = randomPool.subarray(randomOffset, randomOffset + length);
  randomOffset += length;
  return slice;
}

/**
 * UUIDv7 (RFC 9562): 48-bit Unix ms, then a 12-bit counter that keeps ids generated in the same
 * millisecond monotonic inside this process, then random bits.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  if (nowMs <= lastMs) {
    sequence = (sequence + 1) & 0xfff;
    if (sequence === 0) lastMs += 1; // counter overflow borrows the next millisecond
    nowMs = lastMs;
  } else {
    lastMs = nowMs;
    sequence = takeRandom(2).readUInt16BE(0) & 0x7ff; // random start leaves room to count up
  }
  const bytes = Buffer.from(takeRandom(16)); // a copy: the pool is refilled in place
  bytes.writeUIntBE(nowMs, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/** Generates ids; injectable so tests can make them predictable. */
export interface IdGenerator {
  next(): string;
}

export const uuidv7Generator: IdGenerator = { next: () => uuidv7() };
