import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { InvalidRequestError } from './domain-errors.js';

export type InputSource = 'body' | 'query' | 'path';

/** Validates one request part against a contracts schema; the message names the offending field. */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly source: InputSource,
  ) {}

  transform(value: unknown): z.output<S> {
    if (this.source === 'body' && (value === undefined || value === null)) {
      throw new InvalidRequestError('Request body must be a JSON object');
    }
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    throw new InvalidRequestError(formatIssues(result.error.issues, this.source));
  }
}

export function formatIssues(issues: readonly z.core.$ZodIssue[], source: InputSource): string {
  return issues
    .slice(0, 3)
    .map((issue) => {
      const where = [source, ...issue.path.map(String)].join('.');
      if (issue.code === 'unrecognized_keys') {
        const fields = issue.keys.map((key) => `'${key}'`).join(', ');
        return `${where}: unknown field${issue.keys.length > 1 ? 's' : ''} ${fields}`;
      }
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}
