/**
 * The bad-input corpus: malformed requests, each named, each with the answer it must get. Every one must be a
 * 4xx `{id, name, message}`, charge nothing and enqueue nothing (bad-input.spec.ts). `{engine}` in a path or JSON
 * body is the live test engine. Cases that once found a 5xx stay in it (see the notes in each part).
 */
import type { BadCase } from './bad-input-case.js';
import { accountCases } from './corpus-account.js';
import { headerCases, queryCases } from './corpus-headers.js';
import { nativeFormCases, v1Cases, v1FormCases } from './corpus-forms.js';
import { base64Cases, contentTypes, jsonSyntax, jsonValueCases } from './corpus-json.js';

export type { BadCase };

export const BAD_INPUT_CORPUS: BadCase[] = [
  ...jsonSyntax,
  ...jsonValueCases,
  ...base64Cases,
  ...contentTypes,
  ...nativeFormCases,
  ...v1Cases,
  ...v1FormCases,
  ...headerCases,
  ...queryCases,
  ...accountCases,
];
