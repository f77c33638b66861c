// Type-only: brings in @fastify/multipart's FastifyRequest additions (isMultipart, parts).
import type {} from '@fastify/multipart';
import { CreateGenerationRequest } from '@easel/contracts';
import type { FastifyRequest } from 'fastify';
import { InvalidRequestError, PayloadTooLargeError } from '../common/domain-errors.js';
import { multipartProblem } from '../common/multipart-errors.js';
import { formatIssues } from '../common/zod-validation.pipe.js';

export interface GenerationForm {
  request: CreateGenerationRequest;
  initImage?: Buffer;
  mask?: Buffer;
}

const FILE_FIELDS = new Set(['initImage', 'mask']);
const NUMBER_FIELDS = new Set(['width', 'height', 'steps', 'cfgScale', 'seed', 'samples', 'strength']);
const JSON_FIELDS = new Set(['outpaint', 'interpolation']);

/**
 * The body of POST /api/generations, JSON (images as base64) or multipart/form-data (images as the file parts
 * `initImage` and `mask`; numbers as text; `outpaint` and `interpolation` as JSON text), validated by the one
 * contracts schema so both forms refuse the same things with the same field names.
 */
export async function readGenerationForm(request: FastifyRequest): Promise<GenerationForm> {
  if (!request.isMultipart()) return { request: validate(request.body) };
  const fields: Record<string, unknown> = {};
  const files: { initImage?: Buffer; mask?: Buffer } = {};
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        if (part.fieldname !== 'initImage' && part.fieldname !== 'mask')
          throw new InvalidRequestError(`body.${part.fieldname}: unexpected file field`);
        files[part.fieldname] = bytes;
      } else if (FILE_FIELDS.has(part.fieldname)) {
        throw new InvalidRequestError(`body.${part.fieldname}: send the image as a file part`);
      } else {
        fields[part.fieldname] = fieldValue(part.fieldname, String(part.value));
      }
    }
  } catch (error) {
    const problem = multipartProblem(error);
    if (!problem) throw error;
    throw problem.tooLarge
      ? new PayloadTooLargeError(problem.message)
      : new InvalidRequestError(problem.message);
  }
  return { request: validate(fields), ...files };
}

function fieldValue(name: string, text: string): unknown {
  if (NUMBER_FIELDS.has(name) && /^-?\d+(\.\d+)?$/.test(text.trim())) return Number(text);
  if (name === 'preview' && /^(true|false)$/.test(text)) return text === 'true';
  if (JSON_FIELDS.has(name)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new InvalidRequestError(`body.${name}: must be a JSON object`);
    }
  }
  return text;
}

function validate(body: unknown): CreateGenerationRequest {
  if (body === undefined || body === null || typeof body !== 'object') {
    throw new InvalidRequestError('Request body must be a JSON object or multipart/form-data');
  }
  const parsed = CreateGenerationRequest.safeParse(body);
  if (!parsed.success) throw new InvalidRequestError(formatIssues(parsed.error.issues, 'body'));
  return parsed.data;
}
