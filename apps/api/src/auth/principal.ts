/** Who is calling, set on the request by AuthGuard. */
export interface Principal {
  userId: string;
  /** 'session': the dashboard's cookie (same powers as a login token). */
  via: 'jwt' | 'api-key' | 'session';
  /** Set when `via` is 'api-key'. */
  apiKeyId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
