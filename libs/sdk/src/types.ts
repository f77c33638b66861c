// The API's request and response shapes, as plain types (the SDK has no runtime dependencies). They follow
// libs/contracts; test/sdk/sdk-types-match-openapi.ts proves at type level that they match apps/api/openapi.json.

export type GenerationMode = 'text-to-image' | 'image-to-image' | 'inpaint' | 'outpaint' | 'interpolate';
export type Sampler =
  | 'ddim'
  | 'pndm'
  | 'euler'
  | 'euler_a'
  | 'lms'
  | 'dpmpp_2m'
  | 'dpmpp_2m_karras'
  | 'heun'
  | 'dpm2'
  | 'dpm2_a'
  | 'dpmpp_2s_a'
  | 'ddpm';
export type GenerationStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';
export type FinishReason = 'SUCCESS' | 'ERROR' | 'CONTENT_FILTERED';
export type MaskSource = 'MASK_IMAGE_WHITE' | 'MASK_IMAGE_BLACK' | 'INIT_IMAGE_ALPHA';

export interface OutpaintMargins {
  left?: number;
  top?: number;
  right?: number;
  bottom?: number;
}

export interface InterpolationSettings {
  toPrompt?: string;
  toSeed?: number;
  frames: number;
  frameDelayMs?: number;
}

/** Body of POST /api/generations as the API takes it (images base64). */
export interface CreateGenerationRequest {
  engine: string;
  mode?: GenerationMode;
  prompt: string;
  negativePrompt?: string;
  width?: number;
  height?: number;
  steps?: number;
  cfgScale?: number;
  sampler?: Sampler;
  /** 0 or absent: random. */
  seed?: number;
  samples?: number;
  initImage?: string;
  strength?: number;
  mask?: string;
  maskSource?: MaskSource;
  outpaint?: OutpaintMargins;
  interpolation?: InterpolationSettings;
  webhookUrl?: string;
  /** Send small preview images with the progress events. */
  preview?: boolean;
}

/** Image bytes the SDK base64-encodes for you, or a base64 string as the API takes it. */
export type ImageInput = Uint8Array | ArrayBuffer | Blob | string;

/** What `generations.create` and `generate` take: the API's body, with images as bytes or base64. */
export interface CreateGenerationParams extends Omit<CreateGenerationRequest, 'initImage' | 'mask'> {
  initImage?: ImageInput;
  mask?: ImageInput;
}

export interface Artifact {
  index: number;
  seed: number;
  width: number;
  height: number;
  finishReason: FinishReason;
  contentType: string;
  /** Signed, expiring download URL (root-relative on the API's own file server). */
  url: string;
}

export interface Generation {
  id: string;
  status: GenerationStatus;
  engine: string;
  mode: GenerationMode;
  cost: number;
  progress: { step: number; total: number } | null;
  error: { name: string; message: string } | null;
  params: Record<string, unknown>;
  artifacts: Artifact[];
  animation: Artifact | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** When its images were deleted (the record and its charge stay); artifacts are then empty. */
  imagesDeletedAt: string | null;
  timings: { queueMs: number | null; pipelineMs: number | null; totalMs: number | null } | null;
}

export interface CreatedGeneration {
  id: string;
  status: GenerationStatus;
  cost: number;
  createdAt: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface PageQuery {
  /** Entries per page (1–100; the API's default is 20). */
  limit?: number;
  cursor?: string;
}

export interface Balance {
  credits: number;
}

export type LedgerKind = 'grant' | 'debit' | 'refund' | 'purchase' | 'adjustment';

export interface LedgerEntry {
  id: string;
  /** Signed: debits are negative. */
  amount: number;
  kind: LedgerKind;
  reference: string;
  balanceAfter: number;
  createdAt: string;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  /** The secret: shown only in this response. */
  key: string;
  createdAt: string;
}

/** One worker serving an engine. */
export interface EngineWorker {
  /** ONNX Runtime execution providers its sessions run on, in order, e.g. ['webgpu', 'cpu']. */
  executionProviders: string[];
}

export interface Engine {
  id: string;
  name: string;
  description: string;
  type: 'PICTURE';
  nativeWidth: number;
  nativeHeight: number;
  sizeMultiple: number;
  minSize: number;
  maxSize: number;
  maxPixels: number;
  modes: GenerationMode[];
  samplers: Sampler[];
  defaultSampler: Sampler;
  defaultSteps: number;
  defaultCfgScale: number;
  /** The workers serving it now, when the API knows them. */
  workers?: EngineWorker[];
}

export interface PricingQuoteQuery {
  width?: number;
  height?: number;
  steps?: number;
  samples?: number;
  /** An interpolation's frames, each priced as an image (instead of samples). */
  frames?: number;
}

export interface PricingQuote {
  credits: number;
}

export interface Credentials {
  email: string;
  password: string;
}

export interface User {
  id: string;
  email: string;
  createdAt: string;
}

export interface SignupResponse {
  user: User;
  accessToken: string;
}

export interface LoginResponse {
  accessToken: string;
}

export interface Me {
  id: string;
  email: string;
  credits: number;
}

/** The `{id, name, message}` body of every API error. */
export interface ErrorBody {
  id: string;
  name: string;
  message: string;
}
