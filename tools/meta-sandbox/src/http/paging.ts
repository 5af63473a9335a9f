import type { Request } from 'express';
import { graphErrors } from './graph-error';
import { param } from './request-params';

export type Paging = {
  cursors: { before: string; after: string };
  next?: string;
  previous?: string;
};

export type Page<T> = { data: T[]; paging?: Paging };

export const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 5000;

export const encodeCursor = (index: number): string => Buffer.from(`sbx:${index}`).toString('base64url');

const decodeCursor = (cursor: string): number => {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^sbx:(\d+)$/.exec(decoded);
  if (!match) throw graphErrors.invalidParameter(`Invalid cursor: ${cursor}`);
  return Number(match[1]);
};

/** Absolute base URL of the sandbox as clients see it (SANDBOX_PUBLIC_URL, else the request's own host). */
export const publicBaseUrl = (req: Request, configured?: string): string =>
  (configured ?? `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`).replace(/\/$/, '');

/** URL of the same request with cursor params replaced. Keeps `access_token` when it came in the query string. */
const pageUrl = (req: Request, base: string, cursor: { after?: string; before?: string }): string => {
  const original = new URL(req.originalUrl, 'http://sandbox.local');
  const url = new URL(original.pathname, `${base}/`);
  const params = new URLSearchParams(original.search);
  params.delete('after');
  params.delete('before');
  if (cursor.after) params.set('after', cursor.after);
  if (cursor.before) params.set('before', cursor.before);
  url.search = params.toString();
  return url.toString();
};

/**
 * Cursor paging exactly as Graph does it: `{data, paging:{cursors:{before,after}, next?, previous?}}`; `next` only
 * when more items exist, `previous` only when earlier ones exist; no `paging` for an empty list.
 */
export const paginate = <T>(items: T[], req: Request, base: string): Page<T> => {
  const limitRaw = param(req, 'limit');
  let limit = DEFAULT_LIMIT;
  if (limitRaw !== undefined) {
    limit = Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1)
      throw graphErrors.invalidParameter('(#100) The parameter limit must be a positive integer');
    limit = Math.min(limit, MAX_LIMIT);
  }
  const after = param(req, 'after');
  const before = param(req, 'before');
  let start = 0;
  if (after) start = decodeCursor(after) + 1;
  else if (before) start = Math.max(0, decodeCursor(before) - limit);
  const end = before && !after ? Math.min(decodeCursor(before), start + limit) : start + limit;
  const data = items.slice(start, end);
  if (data.length === 0) return { data };
  const first = start;
  const last = start + data.length - 1;
  const paging: Paging = { cursors: { before: encodeCursor(first), after: encodeCursor(last) } };
  if (last < items.length - 1) paging.next = pageUrl(req, base, { after: encodeCursor(last) });
  if (first > 0) paging.previous = pageUrl(req, base, { before: encodeCursor(first) });
  return { data, paging };
};
