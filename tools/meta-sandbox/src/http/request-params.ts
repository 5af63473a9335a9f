import type { Request } from 'express';

const first = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return first(value[0]);
  return undefined;
};

/** A request parameter from the query string or a form / JSON body (Graph accepts both). */
export const param = (req: Request, name: string): string | undefined => {
  const fromQuery = first((req.query as Record<string, unknown>)[name]);
  if (fromQuery !== undefined) return fromQuery;
  const body: unknown = req.body;
  if (body && typeof body === 'object' && !Array.isArray(body))
    return first((body as Record<string, unknown>)[name]);
  return undefined;
};

/** The request body as a plain object ({} when absent or not an object). */
export const bodyObject = (req: Request): Record<string, unknown> => {
  const body: unknown = req.body;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
};

/** Graph list params accept JSON (`["ACTIVE","PAUSED"]`) or comma lists. */
export const listParam = (req: Request, name: string): string[] | undefined => {
  const raw = param(req, name);
  if (raw === undefined || raw === '') return undefined;
  if (raw.trim().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (Array.isArray(parsed)) return parsed.map((v) => String(v));
    } catch {
      return [raw];
    }
  }
  return raw
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
};
