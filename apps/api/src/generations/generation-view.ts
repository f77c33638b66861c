import {
  FINISHED_STATUSES,
  type Artifact as ArtifactView,
  type FinishReason,
  type Generation,
  type GenerationMode,
  type GenerationStatus,
} from '@easel/contracts';
import type { ObjectStore } from '@easel/storage';

/** A generation row with its artifacts, as the repository reads it. */
export interface GenerationRecord {
  id: string;
  userId: string;
  engine: string;
  mode: string;
  status: GenerationStatus;
  params: unknown;
  cost: number;
  errorName: string | null;
  errorMessage: string | null;
  webhookUrl: string | null;
  pipelineMs: number | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** When its images were deleted (DELETE /api/generations/:id); the record and its ledger entries stay. */
  imagesDeletedAt: Date | null;
  artifacts: ArtifactRecord[];
}

export interface ArtifactRecord {
  kind: string;
  index: number;
  seed: bigint;
  width: number;
  height: number;
  key: string;
  contentType: string;
  finishReason: string;
}

/** The public view of a generation: what GET /api/generations/:id returns. */
export type GenerationView = Generation;

export const isFinished = (status: GenerationStatus): boolean => FINISHED_STATUSES.includes(status);

/** Payload fields that are plumbing, not parameters a client asked for. */
const HIDDEN_PARAMS = new Set([
  'version',
  'generationId',
  'engine',
  'mode',
  'outputPrefix',
  'initImageKey',
  'maskImageKey',
  'preview',
  'requestId',
]);

export interface ViewOptions {
  store: ObjectStore;
  urlTtlSeconds: number;
  progress?: { step: number; total: number };
}

export async function toView(record: GenerationRecord, options: ViewOptions): Promise<GenerationView> {
  const sign = async (a: ArtifactRecord): Promise<ArtifactView> => ({
    index: a.index,
    seed: Number(a.seed),
    width: a.width,
    height: a.height,
    finishReason: a.finishReason as FinishReason,
    contentType: a.contentType,
    url: await options.store.downloadUrl(a.key, { expiresInSeconds: options.urlTtlSeconds }),
  });
  const images = record.artifacts.filter((a) => a.kind === 'image').sort((a, b) => a.index - b.index);
  const animation = record.artifacts.find((a) => a.kind === 'animation');
  const params = Object.fromEntries(
    Object.entries((record.params ?? {}) as Record<string, unknown>).filter(([k]) => !HIDDEN_PARAMS.has(k)),
  );
  const ms = (from: Date | null, to: Date | null) => (from && to ? to.getTime() - from.getTime() : null);
  const started = record.startedAt !== null || isFinished(record.status);
  return {
    id: record.id,
    status: record.status,
    engine: record.engine,
    mode: record.mode as GenerationMode,
    cost: record.cost,
    progress: record.status === 'running' ? (options.progress ?? null) : null,
    error: record.errorName !== null ? { name: record.errorName, message: record.errorMessage ?? '' } : null,
    params,
    artifacts: await Promise.all(images.map(sign)),
    animation: animation ? await sign(animation) : null,
    createdAt: record.createdAt.toISOString(),
    startedAt: record.startedAt?.toISOString() ?? null,
    finishedAt: record.finishedAt?.toISOString() ?? null,
    imagesDeletedAt: record.imagesDeletedAt?.toISOString() ?? null,
    timings: started
      ? {
          queueMs: ms(record.createdAt, record.startedAt),
          pipelineMs: record.pipelineMs,
          totalMs: ms(record.createdAt, record.finishedAt),
        }
      : null,
  };
}
