import { z } from 'zod';

export const Liveness = z.strictObject({ status: z.literal('ok') }).meta({ id: 'Liveness' });
export type Liveness = z.infer<typeof Liveness>;
export const Readiness = z
  .strictObject({
    status: z.literal('ok'),
    checks: z.strictObject({ database: z.literal('up'), redis: z.literal('up') }),
  })
  .meta({ id: 'Readiness' });
export type Readiness = z.infer<typeof Readiness>;
