export * from './errors.js';
export * from './pricing.js';
export * from './auth.js';
export * from './keys.js';
export * from './account.js';
export * from './health.js';
