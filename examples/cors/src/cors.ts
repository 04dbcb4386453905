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
 * Reads one cookie of a request, percent-decoded.
 * @param req - the request.
 * @param name - the cookie's name.
 * @returns its value, or `undefined`.
 * @throws TypeError when the value is not valid percent-encoding (`session=%`) or decodes to a
 * control character such as CR or LF (it could never be sent back in a header): answer 400.
 */
export function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...encoded] = part.trim().split('=');
    if (key !== name) continue;
    let value: string;
    try {
      value = decodeURIComponent(encoded.join('='));
    } catch {
      throw new TypeError(`cookie ${name} is not valid percent-encoding`);
    }
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for.
    if (/[\x00-\x1f\x7f]/.test(value)) throw new TypeError(`cookie ${name} holds a control character`);
    return value;
  }
  return undefined;
}
