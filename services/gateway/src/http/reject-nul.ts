import type { NextFunction, Request, Response } from 'express';

/** True when any string in the value (query, JSON body) contains a NUL character. */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 32 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((item) => containsNul(item, depth + 1));
  return Object.entries(value).some(([key, item]) => key.includes('\u0000') || containsNul(item, depth + 1));
}

/**
 * PostgreSQL text cannot hold NUL (U+0000): such input would reach a service and fail there as a 500. It is
 * refused at the edge with a 400. Webhooks are exempt: their raw body is stored as received and parsed later.
 */
export function rejectNulCharacters(request: Request, response: Response, next: NextFunction): void {
  if (request.path.startsWith('/webhooks/')) return next();
  let url = request.originalUrl;
  try {
    url = decodeURIComponent(url);
  } catch {
    // malformed escapes are left to the router
  }
  if (url.includes('\u0000') || containsNul(request.body)) {
    response
      .status(400)
      .type('application/json')
      .send(
        JSON.stringify({
          statusCode: 400,
          code: 'VALIDATION',
          message: 'text must not contain NUL characters',
        }),
      );
    return;
  }
  next();
}
