import type { Page, PageQuery } from './types.js';

/**
 * A cursor-paginated listing: `for await (const item of list)` walks every item, newest first, fetching pages
 * as it goes; `pages()` walks whole pages; `firstPage()` fetches one page only.
 */
export class PageIterator<T, P extends Page<T> = Page<T>> implements AsyncIterable<T> {
  constructor(
    private readonly fetchPage: (query: PageQuery) => Promise<P>,
    private readonly query: PageQuery = {},
  ) {}

  firstPage(): Promise<P> {
    return this.fetchPage(this.query);
  }

  async *pages(): AsyncGenerator<P> {
    let cursor = this.query.cursor;
    for (;;) {
      const page = await this.fetchPage({ ...this.query, ...(cursor !== undefined && { cursor }) });
      yield page;
      if (!page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for await (const page of this.pages()) yield* page.data;
  }

  /** Every item, up to `max` (default 1000), as an array. */
  async toArray(max = 1000): Promise<T[]> {
    const items: T[] = [];
    for await (const item of this) {
      if (items.length >= max) break;
      items.push(item);
    }
    return items;
  }
}
