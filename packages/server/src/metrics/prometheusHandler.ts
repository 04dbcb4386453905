import type { SseNodeRequest, SseNodeResponse } from '../nodeTypes.js';
import type { StreamRegistry } from '../streamRegistryTypes.js';
import { checkNames, PROMETHEUS_CONTENT_TYPE, prometheusText } from './prometheusText.js';

/** The answer to a scrape: the text for GET, the head alone for HEAD, 405 for any other method. */
function scrape(
  registries: readonly StreamRegistry[],
  method: string | undefined,
): { status: number; headers: Record<string, string>; body: string } {
  if (method !== undefined && method !== 'GET' && method !== 'HEAD') {
    return { status: 405, headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }, body: '' };
  }
  const body = method === 'HEAD' ? '' : prometheusText(registries);
  return { status: 200, headers: { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' }, body };
}

/** The registries as a checked list: names must differ. */
function listOf(registries: StreamRegistry | readonly StreamRegistry[]): readonly StreamRegistry[] {
  const list = Array.isArray(registries) ? (registries as readonly StreamRegistry[]) : [registries as StreamRegistry];
  checkNames(list);
  return list;
}

/**
 * A Node request handler (`node:http`, `https`, `http2` compatibility API, Express) that answers a
 * Prometheus scrape with the metrics of `registries` in the text format 0.0.4
 * (`content-type: text/plain; version=0.0.4; charset=utf-8`). Each series carries the label
 * `registry="<name>"`. GET gets the text, HEAD the head alone, any other method 405 with `Allow`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createStreamRegistry, prometheusHandler, sendEvents } from 'sse-rx-server';
 * const registry = createStreamRegistry({ name: 'prices' });
 * const metrics = prometheusHandler(registry);
 * createServer((req, res) => {
 *   if (req.url === '/metrics') metrics(req, res);
 *   else sendEvents(req, res, prices$, { registry });
 * }).listen(3000);
 * // curl localhost:3000/metrics
 * // # HELP sse_rx_open_streams Streams open now.
 * // # TYPE sse_rx_open_streams gauge
 * // sse_rx_open_streams{registry="prices"} 2
 * // ...
 * ```
 * @param registries - a registry, or several with distinct names.
 * @throws TypeError when two registries share a name.
 * @returns the handler; it never throws (a response that cannot be written is destroyed).
 * @public
 */
export function prometheusHandler(
  registries: StreamRegistry | readonly StreamRegistry[],
): (req: SseNodeRequest, res: SseNodeResponse) => void {
  const list = listOf(registries);
  return (req, res) => {
    const { status, headers, body } = scrape(list, req.method);
    try {
      res.writeHead(status, headers);
      res.end(body);
    } catch {
      res.destroy();
    }
  };
}

/**
 * {@link prometheusHandler} for Web `Request => Response` servers (Hono, Deno, Bun, Next.js route
 * handlers): the same text, headers and status.
 *
 * @example
 * ```ts
 * import { createStreamRegistry, prometheusFetchHandler } from 'sse-rx-server';
 * const registry = createStreamRegistry({ name: 'prices' });
 * const metrics = prometheusFetchHandler(registry);
 * const response = metrics(new Request('http://localhost/metrics'));
 * response.headers.get('content-type'); // 'text/plain; version=0.0.4; charset=utf-8'
 * await response.text(); // '# HELP sse_rx_open_streams Streams open now.\n...'
 * ```
 * @param registries - a registry, or several with distinct names.
 * @throws TypeError when two registries share a name.
 * @returns the handler.
 * @public
 */
export function prometheusFetchHandler(
  registries: StreamRegistry | readonly StreamRegistry[],
): (request: Request) => Response {
  const list = listOf(registries);
  return (request) => {
    const { status, headers, body } = scrape(list, request.method);
    return new Response(status === 200 && request.method !== 'HEAD' ? body : null, { status, headers });
  };
}
