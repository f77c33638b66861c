/** Adds `hits` to the subject's window in Redis: the window's count after it, and the ms the window has left. */
export type ReserveHits = (key: string, hits: number) => Promise<[number, number]>;

/** A lease is at most this share of what the window has left, so replicas cannot strand much of a limit. */
const SHARE_OF_REMAINING = 16;
const MAX_LEASE = 64;
/** A lease used up this fast was too small: the next one doubles. Slower, it falls back to one hit. */
const GROW_WITHIN_MS = 50;
const MAX_SUBJECTS = 100_000;

interface Lease {
  /** Hits reserved in Redis and not used yet. */
  tokens: number;
  /** The window's count in Redis after the last reservation. */
  count: number;
  size: number;
  reservedAt: number;
  /** When the window ends (then the lease is worthless). */
  expiresAt: number;
  /** Redis had nothing left for this window: refuse locally until it ends. */
  exhausted: boolean;
  pending?: Promise<void>;
}

/**
 * Hits taken from a Redis fixed window in leases. A subject asking quickly (a busy API key) reserves 2, 4, … up to
 * 64 hits per Redis call, never more than 1/16 of what its window has left, and spends them locally; a slow one, or
 * one close to its limit, reserves one hit per request (exact, as without leases). Concurrent requests share one
 * reservation in flight. Across replicas the sum of admitted hits never exceeds the limit; what a replica holds
 * unspent at the window's end (50 ms of its traffic at most) is lost to the others.
 */
export class RateLimitLeases {
  private readonly leases = new Map<string, Lease>();

  constructor(private readonly reserve: ReserveHits) {}

  /** One hit: the hits left in the window (as far as this replica knows), or how long until it ends. */
  async take(key: string, limit: number): Promise<{ remaining: number; retryAfterMs?: number }> {
    for (;;) {
      const now = Date.now();
      let lease = this.leases.get(key);
      if (lease && lease.expiresAt <= now && !lease.pending) {
        this.leases.delete(key);
        lease = undefined;
      }
      if (lease && lease.tokens > 0) {
        lease.tokens--;
        return { remaining: Math.max(0, limit - lease.count + lease.tokens) };
      }
      if (lease?.exhausted) return { remaining: 0, retryAfterMs: lease.expiresAt - now };
      if (lease?.pending) {
        await lease.pending;
        continue;
      }
      await this.renew(key, limit, lease, now);
    }
  }

  private renew(key: string, limit: number, previous: Lease | undefined, now: number): Promise<void> {
    const size = Math.min(
      MAX_LEASE,
      Math.max(1, Math.floor((limit - (previous?.count ?? 0)) / SHARE_OF_REMAINING)),
      previous && now - previous.reservedAt < GROW_WITHIN_MS ? previous.size * 2 : 1,
    );
    const lease: Lease = previous ?? {
      tokens: 0,
      count: 0,
      size,
      reservedAt: now,
      expiresAt: now,
      exhausted: false,
    };
    if (!previous) {
      if (this.leases.size >= MAX_SUBJECTS) this.dropExpired(now);
      this.leases.set(key, lease);
    }
    lease.pending = this.reserve(key, size)
      .then(([count, ttlMs]) => {
        const granted = Math.max(0, Math.min(size, limit - (count - size)));
        Object.assign(lease, {
          tokens: lease.tokens + granted,
          count: Math.min(count, limit),
          size,
          reservedAt: Date.now(),
          expiresAt: Date.now() + ttlMs,
          exhausted: granted === 0,
        });
      })
      .finally(() => (lease.pending = undefined));
    // A failed reservation (Redis down) leaves no lease: the next request asks Redis again.
    return lease.pending.catch((error: unknown) => {
      if (this.leases.get(key) === lease && lease.tokens === 0) this.leases.delete(key);
      throw error;
    });
  }

  private dropExpired(now: number): void {
    for (const [key, lease] of this.leases)
      if (lease.expiresAt <= now && !lease.pending) this.leases.delete(key);
    if (this.leases.size >= MAX_SUBJECTS) this.leases.clear();
  }
}
