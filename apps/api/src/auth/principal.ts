/** Who is calling, set on the request by AuthGuard. */
export interface Principal {
  userId: string;
  via: 'jwt' | 'api-key';
  /** Set when `via` is 'api-key'. */
  apiKeyId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
