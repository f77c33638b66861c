/**
 * Minimal protobuf wire-format writer: just what an ONNX ModelProto needs
 * (varints, 32-bit floats, length-delimited bytes and nested messages).
 */
const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

const textEncoder = new TextEncoder();

export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  get length(): number {
    return this.len;
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private rawVarint(value: number | bigint): void {
    // Negative int32/int64 values are encoded as 10-byte two's complement, as protobuf specifies.
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  private tag(field: number, wire: number): void {
    this.rawVarint((field << 3) | wire);
  }

  varint(field: number, value: number | bigint): this {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new RangeError(`protobuf field ${field}: ${value} is not an integer`);
    }
    this.tag(field, WIRE_VARINT);
    this.rawVarint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    this.reserve(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 4).setFloat32(0, value, true);
    this.len += 4;
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(value.length);
    this.reserve(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  /** Only the tag and length of a length-delimited field, for a payload the caller appends itself. */
  lengthHeader(field: number, length: number): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(length);
    return this;
  }

  message(field: number, encode: (w: ProtoWriter) => void): this {
    const child = new ProtoWriter();
    encode(child);
    return this.bytes(field, child.finish());
  }
}
