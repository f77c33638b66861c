export { Easel } from './client.js';
export type { ClientOptions, RequestOptions, FetchLike } from './http.js';
export type { CreateOptions, WaitOptions, GenerateOptions, GenerateResult } from './generations.js';
export { Generations } from './generations.js';
export type { GenerationEvent } from './events.js';
export type { GeneratedImage } from './images.js';
export { toBase64, fromBase64 } from './images.js';
export { PageIterator } from './pagination.js';
export type {
  CreditPack,
  CreditPackList,
  CheckoutSession,
  CheckoutOptions,
  Purchase,
  PurchasePage,
  PurchaseStatus,
} from './account.js';
export { SseParser, readServerSentEvents, type ServerSentEvent } from './sse.js';
export {
  EaselError,
  ApiError,
  InvalidRequestError,
  AuthenticationError,
  InsufficientCreditsError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  RateLimitedError,
  ServerError,
  ConnectionError,
  TimeoutError,
  GenerationError,
} from './errors.js';
export type * from './types.js';
