import type { Generation } from '@easel/sdk';
import type { ReactNode } from 'react';
import { Link, useParams } from 'wouter';
import { ErrorText } from '../components/error-text';
import { Loading } from '../components/loading';
import { GenerationDialog } from './generation-dialog';
import { useGenerations } from './use-generations';

export default function HistoryPage(): ReactNode {
  const { id } = useParams<{ id?: string }>();
  const list = useGenerations();
  // A generation whose pictures were deleted leaves the gallery (its record and charge stay in the API).
  const generations = list.data?.pages.flatMap((p) => p.data).filter((g) => g.imagesDeletedAt === null) ?? [];

  return (
    <>
      <h1>History</h1>
      {list.isPending && <Loading label="Loading your generations" />}
      <ErrorText error={list.error} />
      {list.isSuccess && generations.length === 0 && (
        <p>
          Nothing yet. <Link href="/">Generate your first picture</Link>.
        </p>
      )}
      <ul className="gallery" aria-label="Past generations, newest first">
        {generations.map((g) => (
          <li key={g.id}>
            <GalleryCard generation={g} />
          </li>
        ))}
      </ul>
      {list.hasNextPage && (
        <button
          type="button"
          className="secondary"
          onClick={() => void list.fetchNextPage()}
          disabled={list.isFetchingNextPage}
        >
          {list.isFetchingNextPage ? 'Loading…' : 'Show older'}
        </button>
      )}
      {id && <GenerationDialog id={id} />}
    </>
  );
}

export function promptOf(generation: Generation): string {
  return typeof generation.params.prompt === 'string' ? generation.params.prompt : '(no prompt)';
}

function GalleryCard({ generation }: { generation: Generation }): ReactNode {
  const cover = generation.animation ?? generation.artifacts[0];
  const prompt = promptOf(generation);
  return (
    <Link href={`/history/${generation.id}`} className="gallery-card" data-testid="gallery-card">
      {cover ? (
        <img src={cover.url} alt={prompt} className="pixelated" loading="lazy" />
      ) : (
        <span className="no-image">{generation.status === 'succeeded' ? 'Deleted' : generation.status}</span>
      )}
      <span className="caption">
        <span className="prompt">{prompt}</span>
        <span className="meta">
          {generation.mode} · {new Date(generation.createdAt).toLocaleString()}
        </span>
      </span>
    </Link>
  );
}
