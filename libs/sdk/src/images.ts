import type { Artifact, ImageInput } from './types.js';

/** A finished image: its bytes, seed and size. */
export interface GeneratedImage {
  index: number;
  seed: number;
  width: number;
  height: number;
  contentType: string;
  finishReason: Artifact['finishReason'];
  bytes: Uint8Array;
}

const CHUNK = 0x8000;

/** Base64 of bytes without Buffer (browsers too); chunked so large images do not overflow the call stack. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** An image input as the API takes it in JSON: base64 text (a string is taken as base64 already). */
export async function imageToBase64(input: ImageInput): Promise<string> {
  if (typeof input === 'string') return input.replace(/^data:[^;,]*;base64,/, '');
  if (input instanceof Uint8Array) return toBase64(input);
  if (input instanceof ArrayBuffer) return toBase64(new Uint8Array(input));
  return toBase64(new Uint8Array(await input.arrayBuffer()));
}
