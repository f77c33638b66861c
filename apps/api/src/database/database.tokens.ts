/** Connection string of the application database (provide it through DatabaseModule.forRoot/forRootAsync). */
export const DATABASE_URL = Symbol('DATABASE_URL');
/** Options for the connection pool, see DatabaseOptions. */
export const DATABASE_OPTIONS = Symbol('DATABASE_OPTIONS');

export interface DatabaseOptions {
  url: string;
  /** pg pool size per process (default 10). */
  poolSize?: number;
  /** Named prepared statements (parsed and planned once per connection); off for poolers that cannot keep them. */
  preparedStatements?: boolean;
}
