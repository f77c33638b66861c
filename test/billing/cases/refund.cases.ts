import type { BillingHarness } from '../billing-harness.js';
export function refundCases(_harness: () => BillingHarness): void {}
