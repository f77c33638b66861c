/**
 * Minimal protobuf wire-format reader: the fields of one message as byte ranges, so a graph can be inspected and
 * re-assembled around the fields it does not touch (initializers are copied, never decoded).
 */
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

export interface ProtoField {
  field: number;
  wire: number;
  /** The whole field (tag included) within the parent buffer, to copy it unchanged. */
  raw: Uint8Array;
  /** Varints: the value; length-delimited: the payload; fixed: the little-endian bytes. */
  value: bigint | Uint8Array;
}

const textDecoder = new TextDecoder();

export class ProtoFormatError extends Error {
  override readonly name = 'ProtoFormatError';
}

/** Splits one encoded message into its fields, in order. */
export function readFields(buf: Uint8Array): ProtoField[] {
  const fields: ProtoField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (pos >= buf.length) throw new ProtoFormatError('truncated varint');
      const byte = buf[pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
    }
    throw new ProtoFormatError('varint too long');
  };
  while (pos < buf.length) {
    const start = pos;
    const tag = Number(varint());
    const wire = tag & 7;
    let value: bigint | Uint8Array;
    if (wire === WIRE_VARINT) value = varint();
    else if (wire === WIRE_LENGTH_DELIMITED) {
      const length = Number(varint());
      if (pos + length > buf.length) throw new ProtoFormatError('truncated length-delimited field');
      value = buf.subarray(pos, pos + length);
      pos += length;
    } else if (wire === WIRE_FIXED32 || wire === WIRE_FIXED64) {
      const size = wire === WIRE_FIXED32 ? 4 : 8;
      if (pos + size > buf.length) throw new ProtoFormatError('truncated fixed field');
      value = buf.subarray(pos, pos + size);
      pos += size;
    } else {
      throw new ProtoFormatError(`unsupported wire type ${wire}`);
    }
    fields.push({ field: tag >>> 3, wire, raw: buf.subarray(start, pos), value });
  }
  return fields;
}

export function bytesOf(f: ProtoField): Uint8Array {
  if (!(f.value instanceof Uint8Array) || f.wire !== WIRE_LENGTH_DELIMITED) {
    throw new ProtoFormatError(`field ${f.field} is not length-delimited`);
  }
  return f.value;
}

export function stringOf(f: ProtoField): string {
  return textDecoder.decode(bytesOf(f));
}

/** Concatenates encoded pieces (raw fields) into one buffer. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
