import { crc32 } from 'node:zlib';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Inserts a text chunk right after IHDR: tEXt (Latin-1) when the text fits Latin-1, otherwise an uncompressed
 * iTXt (UTF-8), which is what PIL's PngInfo.add_text writes and what A1111-style readers accept.
 * sharp 0.35 reads PNG text chunks (metadata().comments) but cannot write them, hence this.
 */
export function insertPngText(png: Uint8Array, keyword: string, text: string): Uint8Array {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error('not a PNG stream');
  }
  if (!/^[\x20-\x7e\xa1-\xff]{1,79}$/.test(keyword)) throw new Error(`invalid PNG text keyword "${keyword}"`);
  const latin1 = [...text].every((ch) => ch.charCodeAt(0) <= 0xff);
  const data = latin1
    ? Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')])
    : Buffer.concat([
        Buffer.from(keyword, 'latin1'),
        Buffer.from([0, 0, 0, 0, 0]), // null, compression flag 0, method 0, empty language tag, empty translated keyword
        Buffer.from(text, 'utf8'),
      ]);
  const chunk = pngChunk(latin1 ? 'tEXt' : 'iTXt', data);
  const ihdrEnd = 8 + 12 + bytes.readUInt32BE(8);
  return new Uint8Array(Buffer.concat([bytes.subarray(0, ihdrEnd), chunk, bytes.subarray(ihdrEnd)]));
}

function pngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  // The CRC covers the type and the data, not the length.
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
