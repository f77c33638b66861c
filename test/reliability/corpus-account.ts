// Bad input, part 4: the account routes (login, sign-up, dashboard session, API keys). Nothing to charge there,
// but never a 5xx and never an account or key made from a malformed request.
import { bad, type BadCase } from './bad-input-case.js';

const accountBodies: Array<[string, string, unknown, number?]> = [
  ['login', '/api/auth/login', { email: 'ada\u0000@example.com', password: 'long enough pw' }],
  ['login', '/api/auth/login', { email: ['ada@example.com'], password: 'long enough pw' }],
  [
    'login',
    '/api/auth/login',
    JSON.parse('{"email": "ada@example.com", "password": "x", "__proto__": {"admin": true}}'),
  ],
  ['sign-up', '/api/auth/signup', { email: 1, password: [] }],
  ['sign-up', '/api/auth/signup', { email: `${'a'.repeat(300)}@example.com`, password: 'long enough pw' }],
  ['dashboard sign-in', '/api/session', { email: {}, password: 1 }],
  ['dashboard sign-up', '/api/session/signup', { email: 'ada@example.com' }],
  // A password that cannot match any account: refused like any wrong password.
  ['login', '/api/auth/login', { email: 'ada@example.com', password: 'long\ud800enough' }, 401],
  ['key creation', '/api/keys', { name: '\u0000' }],
  ['key creation', '/api/keys', { name: 'k'.repeat(10_000) }],
  ['key creation', '/api/keys', { name: 'ok', scopes: ['admin'] }],
  ['key creation', '/api/keys', { name: '\ud800' }],
];

export const accountCases: BadCase[] = [
  ...accountBodies.map(([what, path, json, status], i): BadCase => ({
    name: `account: ${what} #${i + 1} ${JSON.stringify(json).slice(0, 60)}`,
    path,
    auth: path === '/api/keys' ? 'jwt' : 'none',
    json,
    expect: status === 401 ? { status, name: 'unauthorized' } : bad(),
  })),
  {
    name: 'account: revoke a key by a non-uuid id',
    method: 'DELETE',
    path: '/api/keys/not-a-uuid',
    auth: 'jwt',
    expect: bad(),
  },
  {
    name: 'account: revoke a key that does not exist',
    method: 'DELETE',
    path: '/api/keys/00000000-0000-0000-0000-000000000000',
    auth: 'jwt',
    expect: { status: 404, name: 'not_found' },
  },
];
