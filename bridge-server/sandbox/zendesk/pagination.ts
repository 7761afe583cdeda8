/**
 * Cursor pagination as Zendesk does it (https://developer.zendesk.com/api-reference/introduction/pagination/):
 * `page[size]` (max 100), `page[after]` / `page[before]` with opaque cursors, answered with
 * `meta {has_more, after_cursor, before_cursor}` and `links {next, prev}`.
 */
import type { Request } from 'express';
import { badRequest } from './errors';

export const MAX_PAGE_SIZE = 100;

export type SortOrder = 'asc' | 'desc';

export interface CursorPage<T> {
  items: T[];
  meta: { has_more: boolean; after_cursor: string | null; before_cursor: string | null };
  links: { next: string | null; prev: string | null };
}

/** Reads `page[size]`, whether the query parser nested it (`page.size`) or not. */
function pageParam(query: Request['query'], name: 'size' | 'after' | 'before'): string | undefined {
  const flat = query[`page[${name}]`];
  if (typeof flat === 'string') return flat;
  const nested = query.page;
  if (nested && typeof nested === 'object' && !Array.isArray(nested)) {
    const value = (nested as Record<string, unknown>)[name];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

export function sortOrderOf(req: Request): SortOrder {
  const value = req.query.sort_order;
  if (value === undefined || value === 'asc') return 'asc';
  if (value === 'desc') return 'desc';
  throw badRequest('InvalidPaginationParameter', `sort_order must be "asc" or "desc" (got ${JSON.stringify(value)}).`);
}

const encodeCursor = (id: number) => Buffer.from(`id:${id}`).toString('base64url');

function decodeCursor(cursor: string): number {
  const match = /^id:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw badRequest('InvalidPaginationParameter', `The cursor ${JSON.stringify(cursor)} is not one the sandbox issued.`);
  return Number(match[1]);
}

/**
 * One page of `items` (already in `order`, each with a numeric id). `baseUrl` is the
 * absolute URL of the endpoint without query; the other query parameters are kept in links.
 */
export function paginate<T extends { id: number }>(items: T[], req: Request, order: SortOrder, baseUrl: string): CursorPage<T> {
  const sizeParam = pageParam(req.query, 'size');
  const size = sizeParam === undefined ? MAX_PAGE_SIZE : Number(sizeParam);
  if (!Number.isInteger(size) || size < 1) {
    throw badRequest('InvalidPaginationParameter', `page[size] must be a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  }
  const pageSize = Math.min(size, MAX_PAGE_SIZE);
  const after = pageParam(req.query, 'after');
  const before = pageParam(req.query, 'before');
  const comesAfter = (id: number, cursorId: number) => (order === 'asc' ? id > cursorId : id < cursorId);

  let page: T[];
  let hasMore: boolean;
  if (before !== undefined) {
    const cursorId = decodeCursor(before);
    const earlier = items.filter((item) => comesAfter(cursorId, item.id));
    page = earlier.slice(-pageSize);
    hasMore = earlier.length > pageSize;
  } else {
    const rest = after === undefined ? items : items.filter((item) => comesAfter(item.id, decodeCursor(after)));
    page = rest.slice(0, pageSize);
    hasMore = rest.length > pageSize;
  }

  const first = page[0];
  const last = page[page.length - 1];
  const link = (param: 'after' | 'before', cursor: string) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(req.query)) {
      if (key === 'page' || key.startsWith('page[')) continue;
      if (typeof value === 'string') params.set(key, value);
    }
    params.set('page[size]', String(pageSize));
    params.set(`page[${param}]`, cursor);
    return `${baseUrl}?${params.toString()}`;
  };
  const afterCursor = last ? encodeCursor(last.id) : null;
  const beforeCursor = first ? encodeCursor(first.id) : null;
  // Going forward, `has_more` is about later items and a cursor given means earlier ones
  // exist; going backward (`page[before]`), the other way round.
  const backward = before !== undefined;
  const laterExist = backward ? true : hasMore;
  const earlierExist = backward ? hasMore : after !== undefined;
  return {
    items: page,
    meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: beforeCursor },
    links: {
      next: laterExist && afterCursor ? link('after', afterCursor) : null,
      prev: earlierExist && beforeCursor ? link('before', beforeCursor) : null,
    },
  };
}
