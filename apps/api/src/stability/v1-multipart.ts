// Type-only: brings in @fastify/multipart's FastifyRequest additions (isMultipart, parts).
import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { multipartProblem } from '../common/multipart-errors.js';
import { StabilityBadRequestError } from './stability-errors.js';

/** A v1 multipart body: the image files by field name, and the text fields rebuilt into the JSON shape. */
export interface V1MultipartBody {
  files: Map<string, Buffer>;
  fields: Record<string, unknown>;
}

const FILE_FIELDS = new Set(['init_image', 'mask_image']);
const PROMPT_FIELD = /^text_prompts\[(\d{1,3})\]\[(text|weight)\]$/;

/**
 * Reads the whole form. `text_prompts[i][text|weight]` become `text_prompts: [{text, weight}]` ordered by index
 * (indices need not be sequential; a repeated entry overrides the earlier one, as the spec says). Files over the
 * multipart fileSize limit → invalid_file_size.
 */
export async function readV1Multipart(request: FastifyRequest): Promise<V1MultipartBody> {
  if (!request.isMultipart()) {
    throw new StabilityBadRequestError('bad_request', 'Content-Type must be multipart/form-data');
  }
  const files = new Map<string, Buffer>();
  const fields: Record<string, unknown> = {};
  const prompts = new Map<number, { text?: string; weight?: string }>();
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (!FILE_FIELDS.has(part.fieldname)) {
          await part.toBuffer();
          throw new StabilityBadRequestError('bad_request', `${part.fieldname}: unexpected file field`);
        }
        files.set(part.fieldname, await part.toBuffer());
        continue;
      }
      const value = typeof part.value === 'string' ? part.value : String(part.value);
      const prompt = PROMPT_FIELD.exec(part.fieldname);
      if (prompt) {
        const index = Number(prompt[1]);
        const entry = prompts.get(index) ?? {};
        entry[prompt[2] as 'text' | 'weight'] = value;
        prompts.set(index, entry);
      } else if (FILE_FIELDS.has(part.fieldname)) {
        throw new StabilityBadRequestError('bad_request', `${part.fieldname}: must be sent as a file part`);
      } else {
        fields[part.fieldname] = value;
      }
    }
  } catch (error) {
    const problem = multipartProblem(error);
    if (!problem) throw error;
    throw new StabilityBadRequestError(
      problem.tooLarge ? 'invalid_file_size' : 'bad_request',
      problem.message,
    );
  }
  if (prompts.size > 0) {
    fields.text_prompts = [...prompts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, entry]) =>
        entry.weight === undefined ? { text: entry.text } : { text: entry.text, weight: entry.weight },
      );
  }
  return { files, fields };
}
