/**
 * With EASEL_FAULT_REPORT=1 each fault test prints one line of what it measured (time from the fault to every
 * paid generation settled, outcomes): the figures docs/operations.md quotes. Silent otherwise.
 */
export function reportFault(fault: string, startedAt: number, facts: Record<string, unknown> = {}): void {
  if (process.env.EASEL_FAULT_REPORT !== '1') return;
  const settledMs = Date.now() - startedAt;
  console.log(`[fault] ${fault}: ${JSON.stringify({ settledMs, ...facts })}`);
}
