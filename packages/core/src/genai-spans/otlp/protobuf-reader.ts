/** The payload is not valid protobuf wire format (truncated, a bad varint, an unknown wire type). */
export class ProtobufWireError extends Error {
  override readonly name = 'ProtobufWireError';
}

/** Protobuf wire types (https://protobuf.dev/programming-guides/encoding/). */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

const TWO_TO_32 = 4294967296;

/**
 * A cursor over protobuf wire bytes: just enough to walk OTLP messages field by field and skip
 * what is not needed without decoding it. Every read is bounds-checked against the end of the
 * message being read, so a truncated or hostile payload is a ProtobufWireError, never a read
 * past the buffer or an endless loop.
 */
export class ProtobufReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A reader over the next length-delimited field's bytes; this reader moves past them. */
  sub(): ProtobufReader {
    const length = this.uint32();
    const start = this.pos;
    const end = start + length;
    if (end > this.end) throw new ProtobufWireError('a length-delimited field runs past the end of its message');
    this.pos = end;
    return new ProtobufReader(this.buf, start, end);
  }

  /** The next length-delimited field as [start, end) offsets into the buffer, without decoding it. */
  range(): readonly [number, number] {
    const length = this.uint32();
    const start = this.pos;
    const end = start + length;
    if (end > this.end) throw new ProtobufWireError('a length-delimited field runs past the end of its message');
    this.pos = end;
    return [start, end];
  }

  /** Field number and wire type of the next field. */
  tag(): { field: number; wire: number } {
    const key = this.uint32();
    const field = key >>> 3;
    if (field === 0) throw new ProtobufWireError('field number 0 is not valid');
    return { field, wire: key & 7 };
  }

  /** A varint that fits 32 bits (lengths, tags, enums, uint32); longer varints are read and truncated. */
  uint32(): number {
    const buf = this.buf;
    let value = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtobufWireError('a varint runs past the end of its message');
      const byte = buf[this.pos++]!;
      if (shift < 32) value |= (byte & 0x7f) << shift;
      shift += 7;
      if ((byte & 0x80) === 0) return value >>> 0;
    }
    throw new ProtobufWireError('a varint is longer than 10 bytes');
  }

  /** An int32 varint (negative values are sign-extended to 10 bytes on the wire). */
  int32(): number {
    return this.uint32() | 0;
  }

  /** An int64 varint as a number when it is a safe integer, else its decimal string. */
  int64(): number | string {
    const buf = this.buf;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtobufWireError('a varint runs past the end of its message');
      const byte = buf[this.pos++]!;
      if (shift < 28) lo |= (byte & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (byte & 0x0f) << 28;
        hi |= (byte & 0x7f) >>> 4;
      } else hi |= (byte & 0x7f) << (shift - 32);
      shift += 7;
      if ((byte & 0x80) === 0) return int64Value(lo >>> 0, hi >>> 0);
    }
    throw new ProtobufWireError('a varint is longer than 10 bytes');
  }

  bool(): boolean {
    return this.uint32() !== 0;
  }

  /** fixed64 read as a double: exact up to 2^53, within a few hundred units beyond (nanosecond times). */
  fixed64AsNumber(): number {
    if (this.pos + 8 > this.end) throw new ProtobufWireError('a fixed64 runs past the end of its message');
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    return hi * TWO_TO_32 + lo;
  }

  fixed32(): number {
    if (this.pos + 4 > this.end) throw new ProtobufWireError('a fixed32 runs past the end of its message');
    const value = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return value;
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new ProtobufWireError('a double runs past the end of its message');
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  string(): string {
    const [start, end] = this.range();
    return this.buf.toString('utf8', start, end);
  }

  /** Bytes as lower-case hex (trace and span ids). */
  hex(): string {
    const [start, end] = this.range();
    return this.buf.toString('hex', start, end);
  }

  base64(): string {
    const [start, end] = this.range();
    return this.buf.toString('base64', start, end);
  }

  /** Skips one field of the given wire type. */
  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.uint32();
        return;
      case WIRE_FIXED64:
        if (this.pos + 8 > this.end) throw new ProtobufWireError('a fixed64 runs past the end of its message');
        this.pos += 8;
        return;
      case WIRE_LENGTH_DELIMITED:
        this.range();
        return;
      case WIRE_FIXED32:
        if (this.pos + 4 > this.end) throw new ProtobufWireError('a fixed32 runs past the end of its message');
        this.pos += 4;
        return;
      default:
        // Groups (3, 4) were never used by OTLP; anything else is not protobuf.
        throw new ProtobufWireError(`wire type ${wire} is not supported`);
    }
  }

  /** Throws unless the field has the wire type the schema gives it (a mismatch is malformed data). */
  expect(wire: number, expected: number, field: string): void {
    if (wire !== expected) throw new ProtobufWireError(`${field} has wire type ${wire}, expected ${expected}`);
  }
}

function int64Value(lo: number, hi: number): number | string {
  if (hi & 0x80000000) {
    // Negative two's complement: negate, keeping it exact with BigInt when it is large.
    const big = -((BigInt(~hi >>> 0) << 32n) + BigInt(~lo >>> 0) + 1n);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : big.toString();
  }
  if (hi < 0x200000) return hi * TWO_TO_32 + lo; // below 2^53
  return ((BigInt(hi) << 32n) + BigInt(lo)).toString();
}

/** Writes protobuf wire bytes for the small OTLP response messages. */
export class ProtobufWriter {
  readonly #bytes: number[] = [];

  varint(value: number): this {
    let v = value;
    while (v > 0x7f) {
      this.#bytes.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    this.#bytes.push(v);
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  /** A non-negative int64 (counts); zero is the default and is not written. */
  int64Field(field: number, value: number): this {
    if (value === 0) return this;
    return this.tag(field, WIRE_VARINT).varint(value);
  }

  stringField(field: number, value: string): this {
    if (value === '') return this;
    return this.bytesField(field, Buffer.from(value, 'utf8'));
  }

  bytesField(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED).varint(value.length);
    for (const b of value) this.#bytes.push(b);
    return this;
  }

  /** An embedded message, written even when empty (presence matters for `partial_success`). */
  messageField(field: number, message: ProtobufWriter): this {
    return this.bytesField(field, message.finish());
  }

  finish(): Buffer {
    return Buffer.from(this.#bytes);
  }
}
