// Bad input, part 3: headers (authorization, idempotency keys, lengths, sizes) and queries of the reads.
import { GEN, bad, valid, type BadCase } from './bad-input-case.js';

/** Headers: authorization forms, idempotency keys, lengths and sizes. */
export const headerCases: BadCase[] = [
  {
    name: 'header: no Authorization',
    path: GEN,
    auth: 'none',
    json: valid,
    expect: { status: 401, name: 'unauthorized' },
  },
  {
    name: 'header: Authorization "Bearer" alone',
    path: GEN,
    auth: 'none',
    headers: { authorization: 'Bearer' },
    json: valid,
    expect: { status: 401, name: 'unauthorized' },
  },
  {
    name: 'header: Authorization Basic',
    path: GEN,
    auth: 'none',
    headers: { authorization: 'Basic dXNlcjpwYXNz' },
    json: valid,
    expect: { status: 401, name: 'unauthorized' },
  },
  {
    name: 'header: an unknown API key',
    path: GEN,
    auth: 'none',
    headers: { authorization: 'Bearer esl_0000000000000000000000000000000000000000' },
    json: valid,
    expect: { status: 401, name: 'unauthorized' },
  },
  {
    name: 'header: a truncated API key',
    path: GEN,
    auth: 'none',
    headers: { authorization: 'Bearer esl_' },
    json: valid,
    expect: { status: 401, name: 'unauthorized' },
  },
  {
    name: 'header: two tokens',
    path: GEN,
    auth: 'none',
    headers: { authorization: 'Bearer abc def' },
    json: valid,
    expect: { status: 401, name: 'unauthorized' },
  },
  {
    name: 'header: a JWT with a forged signature',
    path: GEN,
    auth: 'none',
    headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' },
    json: valid,
    expect: { status: 401, name: 'unauthorized' },
  },
  {
    name: 'header: a JWT with alg none',
    path: GEN,
    auth: 'none',
    headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' },
    json: valid,
    expect: { status: 401, name: 'unauthorized' },
  },
  {
    name: 'header: a 10,000-character token',
    path: GEN,
    auth: 'none',
    headers: { authorization: `Bearer ${'t'.repeat(10_000)}` },
    json: valid,
    expect: { status: 401, name: 'unauthorized' },
  },
  {
    name: 'header: an empty Idempotency-Key',
    path: GEN,
    headers: { 'idempotency-key': '' },
    json: valid,
    expect: bad(),
  },
  {
    name: 'header: a 256-character Idempotency-Key',
    path: GEN,
    headers: { 'idempotency-key': 'k'.repeat(256) },
    json: valid,
    expect: bad(),
  },
  {
    name: 'header: an Idempotency-Key with spaces',
    path: GEN,
    headers: { 'idempotency-key': 'two words' },
    json: valid,
    expect: bad(),
  },
  {
    name: 'header: an Idempotency-Key in Latin-1',
    path: GEN,
    raw: {
      head: 'POST {path} HTTP/1.1\r\nHost: x\r\n{auth}\r\nContent-Type: application/json\r\nIdempotency-Key: cl\u00e9\r\nContent-Length: {length}',
      body: JSON.stringify(valid),
    },
    expect: bad(),
  },
  {
    name: 'header: Content-Length shorter than the body',
    path: GEN,
    raw: {
      head: 'POST {path} HTTP/1.1\r\nHost: x\r\n{auth}\r\nContent-Type: application/json\r\nContent-Length: 10',
      body: JSON.stringify(valid),
    },
    expect: bad(),
  },
  {
    name: 'header: Content-Length that is not a number',
    path: GEN,
    raw: {
      head: 'POST {path} HTTP/1.1\r\nHost: x\r\n{auth}\r\nContent-Type: application/json\r\nContent-Length: lots',
      body: JSON.stringify(valid),
    },
    expect: bad(),
  },
  {
    name: 'header: two different Content-Lengths',
    path: GEN,
    raw: {
      head: 'POST {path} HTTP/1.1\r\nHost: x\r\n{auth}\r\nContent-Type: application/json\r\nContent-Length: 5\r\nContent-Length: {length}',
      body: JSON.stringify(valid),
    },
    expect: bad(),
  },
  {
    name: 'header: Content-Length and chunked together',
    path: GEN,
    raw: {
      head: 'POST {path} HTTP/1.1\r\nHost: x\r\n{auth}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: {length}',
      body: JSON.stringify(valid),
    },
    expect: bad(),
  },
  {
    name: 'header: 64 KiB of headers',
    path: GEN,
    raw: {
      head: `POST {path} HTTP/1.1\r\nHost: x\r\n{auth}\r\nX-Padding: ${'p'.repeat(65_536)}\r\nContent-Type: application/json\r\nContent-Length: {length}`,
      body: JSON.stringify(valid),
    },
    expect: { status: 431, name: 'payload_too_large' },
  },
  {
    name: 'header: a body over the image route limit',
    path: GEN,
    contentType: 'application/json',
    text: JSON.stringify({ ...valid, initImage: 'A'.repeat(40 * 1_048_576) }),
    expect: { status: 413, name: 'payload_too_large' },
  },
];

/** Queries and path parameters of the reads and actions (nothing to charge, but never a 5xx). */
export const queryCases: BadCase[] = (
  [
    ['GET', '/api/generations?limit=abc', bad()],
    ['GET', '/api/generations?limit=0', bad()],
    ['GET', '/api/generations?limit=1e9', bad()],
    ['GET', '/api/generations?cursor=garbage', bad()],
    ['GET', '/api/generations?cursor=%00', bad()],
    [
      'GET',
      `/api/generations?cursor=${Buffer.from('{"createdAt":"x","id":1}').toString('base64url')}`,
      bad(),
    ],
    ['GET', '/api/generations?unknown=1', bad()],
    ['GET', '/api/generations/not-a-uuid', bad()],
    // Longer than the router's parameter limit: no API route matches, so it is the unknown-route 404.
    ['GET', `/api/generations/${'a'.repeat(300)}`, { status: 404, name: 'not_found' }],
    ['GET', '/api/generations/00000000-0000-0000-0000-000000000000', { status: 404, name: 'not_found' }],
    ['POST', '/api/generations/not-a-uuid/cancel', bad()],
    ['DELETE', '/api/generations/%ZZ', bad()],
    ['GET', '/api/ledger?cursor=garbage', bad()],
    ['GET', '/api/ledger?limit=-1', bad()],
    ['GET', '/api/pricing/quote?width=abc', bad()],
    ['GET', '/api/pricing/quote?steps=1e400', bad()],
    ['GET', '/api/billing/purchases?limit=x', bad()],
  ] as Array<[string, string, BadCase['expect']]>
).map(([method, path, expect]) => ({ name: `query: ${method} ${path.slice(0, 80)}`, method, path, expect }));
