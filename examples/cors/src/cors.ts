import type { IncomingMessage } from 'node:http';

/** What to answer to a request's `Origin`: the CORS headers to add, or a refusal. */
export type CorsDecision = { allowed: true; headers: Record<string, string> } | { allowed: false };

/**
 * Checks a request's `Origin` against an allow-list. An allowed origin is echoed back (never `*`,
 * which browsers refuse together with credentials) with `access-control-allow-credentials: true`.
 * A request without `Origin` (same origin, curl) is allowed, without CORS headers.
 * @param req - the request.
 * @param allowed - the origins allowed to read the stream, e.g. `http://127.0.0.1:3000`.
 * @returns the headers to add, or `{ allowed: false }` (answer 403).
 */
export function checkOrigin(req: IncomingMessage, allowed: ReadonlySet<string>): CorsDecision {
  const origin = req.headers.origin;
  if (origin === undefined) return { allowed: true, headers: {} };
  if (!allowed.has(origin)) return { allowed: false };
  return {
    allowed: true,
    headers: {
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      vary: 'origin',
    },
  };
}

/**
 * Reads one cookie of a request.
 * @param req - the request.
 * @param name - the cookie's name.
 * @returns its value, or `undefined`.
 */
export function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
