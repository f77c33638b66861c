import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './app-config.js';
import { DEFAULT_CREDIT_PACKS } from './billing-config.js';

const dir = () => mkdtempSync(path.join(tmpdir(), 'easel-billing-config-'));
const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: dir(), ...env });
const keys = { STRIPE_SECRET_KEY: 'sk_test_abc123', STRIPE_WEBHOOK_SECRET: 'whsec_xyz789' };

describe('billing configuration', () => {
  it('is off without Stripe keys and sells the default packs', () => {
    const { billing } = load({});
    expect(billing.stripe).toBeNull();
    expect(billing.packs).toEqual(DEFAULT_CREDIT_PACKS);
    expect(billing.packs.map((p) => [p.credits, p.amount])).toEqual([
      [1000, 1000],
      [5000, 4500],
      [25000, 20000],
    ]);
    expect(billing.publicUrl).toBe('http://localhost:3000');
  });

  it('is on with both keys; STRIPE_API_BASE becomes the SDK host, port and protocol', () => {
    const { billing } = load({
      ...keys,
      STRIPE_API_BASE: 'http://127.0.0.1:12111',
      PUBLIC_URL: 'https://app.example/',
    });
    expect(billing.stripe).toEqual({
      secretKey: 'sk_test_abc123',
      webhookSecret: 'whsec_xyz789',
      api: { protocol: 'http', host: '127.0.0.1', port: 12111 },
    });
    expect(billing.publicUrl).toBe('https://app.example');
    expect(load(keys).billing.stripe?.api).toBeNull();
  });

  it('refuses one key without the other, naming the missing one', () => {
    expect(() => load({ STRIPE_SECRET_KEY: keys.STRIPE_SECRET_KEY })).toThrow(
      /STRIPE_WEBHOOK_SECRET: required/,
    );
    expect(() => load({ STRIPE_WEBHOOK_SECRET: keys.STRIPE_WEBHOOK_SECRET })).toThrow(
      /STRIPE_SECRET_KEY: required/,
    );
    expect(() => load({ ...keys, STRIPE_SECRET_KEY: 'pk_test_publishable' })).toThrow(/STRIPE_SECRET_KEY/);
    expect(() => load({ ...keys, STRIPE_WEBHOOK_SECRET: 'secret' })).toThrow(/STRIPE_WEBHOOK_SECRET/);
    expect(() => load({ ...keys, STRIPE_API_BASE: 'http://127.0.0.1:1/v1' })).toThrow(/STRIPE_API_BASE/);
  });

  it('reads packs from BILLING_PACKS or a file, with defaults for name and currency', () => {
    const json = JSON.stringify([{ id: 'starter', credits: 500, amount: 600, currency: 'EUR' }]);
    const inline = load({ BILLING_PACKS: json }).billing.packs;
    expect(inline).toEqual([
      { id: 'starter', name: '500 credits', credits: 500, amount: 600, currency: 'eur' },
    ]);
    const file = path.join(dir(), 'packs.json');
    writeFileSync(file, JSON.stringify([{ id: 'big', name: 'Big', credits: 9000, amount: 7000 }]));
    expect(load({ BILLING_PACKS_FILE: file }).billing.packs).toEqual([
      { id: 'big', name: 'Big', credits: 9000, amount: 7000, currency: 'usd' },
    ]);
  });

  it.each([
    ['not JSON', '[{', /BILLING_PACKS: not valid JSON/],
    ['an empty list', '[]', /BILLING_PACKS/],
    ['a duplicate id', '[{"id":"a","credits":1,"amount":100},{"id":"a","credits":2,"amount":200}]', /unique/],
    ['a fractional amount', '[{"id":"a","credits":1,"amount":9.99}]', /\[0\]\.\[amount\]/],
    ['zero credits', '[{"id":"a","credits":0,"amount":100}]', /credits/],
    ['a bad id', '[{"id":"A B","credits":1,"amount":100}]', /id/],
    ['an unknown field', '[{"id":"a","credits":1,"amount":100,"price":3}]', /price/],
  ])('rejects packs with %s', (_what, json, message) => {
    expect(() => load({ BILLING_PACKS: json })).toThrow(ConfigError);
    expect(() => load({ BILLING_PACKS: json })).toThrow(message);
  });

  it('refuses both pack sources at once and names an unreadable file', () => {
    expect(() => load({ BILLING_PACKS: '[]', BILLING_PACKS_FILE: '/x.json' })).toThrow(/not both/);
    expect(() => load({ BILLING_PACKS_FILE: path.join(dir(), 'missing.json') })).toThrow(
      /BILLING_PACKS_FILE: cannot read/,
    );
  });
});
