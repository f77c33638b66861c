import type { BillingHarness } from '../billing-harness.js';
export function exactlyOnceCases(_harness: () => BillingHarness): void {}
