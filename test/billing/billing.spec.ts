/**
 * Buying credits end to end: the real API on real PostgreSQL and Redis, the real stripe SDK against the
 * Stripe test server, real signatures. One API and one Stripe for every case (cases/*.ts); after all of them
 * `npm run ledger:audit` must find the whole test database consistent.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../support/database.js';
import { startBillingHarness, type BillingHarness } from './billing-harness.js';
import { checkoutCases } from './cases/checkout.cases.js';
import { deliveryCases } from './cases/delivery.cases.js';
import { exactlyOnceCases } from './cases/exactly-once.cases.js';
import { refundCases } from './cases/refund.cases.js';

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
});

describe('checkout', () => checkoutCases(() => h));
describe('webhook deliveries', () => deliveryCases(() => h));
describe('exactly once', () => exactlyOnceCases(() => h));
describe('refunds and disputes', () => refundCases(() => h));

describe('after every billing case', () => {
  it('npm run ledger:audit finds every balance equal to the sum of its entries', async () => {
    await h.stripe.settled();
    const { stdout } = await promisify(execFile)('npm', ['run', '-s', 'ledger:audit'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { ...process.env, DATABASE_URL: testDatabaseUrl() },
    });
    expect(stdout).toMatch(/ledger audit: \d+ accounts, \d+ entries, 0 mismatches/);
  });
});

afterAll(async () => {
  await h?.close();
});
