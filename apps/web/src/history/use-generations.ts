import { useInfiniteQuery } from '@tanstack/react-query';
import type { Generation, Page } from '@easel/sdk';
import { easel } from '../api/client';

export const PAGE_SIZE = 24;

/** Past generations, newest first, a cursor page at a time. */
export function useGenerations() {
  return useInfiniteQuery({
    queryKey: ['generations', 'list'],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }): Promise<Page<Generation>> => {
      const pages = easel.generations.list(
        { limit: PAGE_SIZE, ...(pageParam && { cursor: pageParam }) },
        { signal },
      );
      return pages.firstPage();
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
