/**
 * Minimal protobuf wire-format reader: the fields of one message with their byte ranges, so a patch can copy
 * everything it does not change verbatim (unknown fields included) and splice in what it does.
 */
export interface ProtoField {
  no: number;
  wire: number;
  /** Byte range of the whole field (tag included) in the message. */
  start: number;
  end: number;
  /** Varint and fixed values. */
  int: bigint;
  /** Length-delimited payload (a view, not a copy). */
  data: Uint8Array;
}

const EMPTY: Uint8Array = new Uint8Array(0);
const textDecoder = new TextDecoder();

export function readFields(buf: Uint8Array): ProtoField[] {
  const fields: ProtoField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new RangeError('protobuf: truncated varint');
      const byte = buf[pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const start = pos;
    const tag = Number(varint());
    const no = tag >>> 3;
    const wire = tag & 7;
    let int = 0n;
    let data = EMPTY;
    if (wire === 0) int = varint();
    else if (wire === 2) {
      const len = Number(varint());
      if (pos + len > buf.length) throw new RangeError(`protobuf: field ${no} runs past the message`);
      data = buf.subarray(pos, pos + len);
      pos += len;
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      if (pos + size > buf.length) throw new RangeError(`protobuf: field ${no} runs past the message`);
      const view = new DataView(buf.buffer, buf.byteOffset + pos, size);
      int = wire === 1 ? view.getBigUint64(0, true) : BigInt(view.getUint32(0, true));
      pos += size;
    } else {
      throw new RangeError(`protobuf: unsupported wire type ${wire} (field ${no})`);
    }
    fields.push({ no, wire, start, end: pos, int, data });
  }
  return fields;
}

export function fieldString(field: ProtoField): string {
  return textDecoder.decode(field.data);
}

/** Repeated int64 values of one field number, packed or not. */
export function readInts(fields: readonly ProtoField[], no: number): number[] {
  const out: number[] = [];
  for (const f of fields) {
    if (f.no !== no) continue;
    if (f.wire === 0) out.push(Number(BigInt.asIntN(64, f.int)));
    else if (f.wire === 2) {
      let pos = 0;
      while (pos < f.data.length) {
        let v = 0n;
        let shift = 0n;
        for (;;) {
          const byte = f.data[pos++];
          v |= BigInt(byte & 0x7f) << shift;
          if (byte < 0x80) break;
          shift += 7n;
        }
        out.push(Number(BigInt.asIntN(64, v)));
      }
    }
  }
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
