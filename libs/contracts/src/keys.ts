import { z } from 'zod';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from './text.js';

/** API keys look like `esl_<10 hex prefix>_<43 base64url secret>`; the prefix is public and listed. */
export const API_KEY_PREFIX = 'esl_';

export const CreateApiKeyRequest = z
  .strictObject({ name: z.string().trim().min(1).max(100).refine(isStorableText, UNSTORABLE_TEXT_MESSAGE) })
  .meta({ id: 'CreateApiKeyRequest' });
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequest>;

export const ApiKeySummary = z
  .strictObject({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string(),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'ApiKey' });
export type ApiKeySummary = z.infer<typeof ApiKeySummary>;

export const CreatedApiKey = z
  .strictObject({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string(),
    key: z.string().describe('The secret; shown only in this response'),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'CreatedApiKey' });
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

export const ApiKeyList = z.strictObject({ data: z.array(ApiKeySummary) }).meta({ id: 'ApiKeyList' });
export type ApiKeyList = z.infer<typeof ApiKeyList>;

export const ApiKeyIdParam = z.strictObject({ id: z.uuid() });
