import {
  type HttpClient,
  HttpContext,
  HttpErrorResponse,
  HttpEventType,
  HttpHeaders,
  HttpRequest,
  HttpResponse,
} from '@angular/common/http';
import { Subscription } from 'rxjs';
import { SSE_RX_REQUEST } from './sseRxInterceptor.js';

/**
 * A `fetch` for sse-rx-client that sends each request through an Angular `HttpClient`, so the
 * app's interceptors apply to event streams: auth headers, a base URL, `withCredentials`, a
 * refresh-and-retry on 401. {@link sseRxInterceptor} must be the last interceptor: it sends the
 * request and hands the streaming `Response` back (Angular's backends would buffer an endless body).
 *
 * Interceptors see a same-origin URL as a path (`/events?room=a`, as `http.get('/events')` writes
 * it) and any other URL in full. The response, or the error status the interceptors leave, reaches
 * sse-rx-client as a `Response`, so its rules apply unchanged (`SseHttpError`, `Retry-After`,
 * backoff). A request that reaches `HttpClient`'s backend instead (no {@link sseRxInterceptor})
 * fails at once with a `TypeError` that says so (sse-rx-client reports it as an `SseNetworkError`
 * with that cause; {@link sseResource} never retries it). {@link sseResource} uses this whenever the app
 * provides `HttpClient`.
 * @example
 * ```ts
 * import { HttpClient } from '@angular/common/http';
 * import { inject } from '@angular/core';
 * import { fromSse } from 'sse-rx-client';
 * import { httpClientFetch } from 'sse-rx-angular';
 * // In an injection context (a constructor, a field initialiser, a factory):
 * export const events$ = () => fromSse('/events', { fetch: httpClientFetch(inject(HttpClient)) });
 * ```
 * @param http - the app's `HttpClient` (`inject(HttpClient)`).
 * @param send - the `fetch` that {@link sseRxInterceptor} sends the final request with.
 * @returns a `fetch` to give to `fromSse` or `connectSse` as `fetch`.
 */
export function httpClientFetch(http: HttpClient, send: typeof fetch = (...args) => globalThis.fetch(...args)) {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const body = request.method === 'GET' || request.method === 'HEAD' ? null : await request.text();
    let headers = new HttpHeaders();
    request.headers.forEach((value, name) => {
      headers = headers.set(name, value);
    });
    const httpRequest = new HttpRequest(request.method, interceptorUrl(request.url), body, {
      headers,
      withCredentials: request.credentials === 'include',
      context: new HttpContext().set(SSE_RX_REQUEST, { request, fetch: send }),
    });
    request.signal.throwIfAborted();
    return new Promise<Response>((resolve, reject) => {
      // Created first: FetchBackend reports `Sent` synchronously, inside subscribe().
      const subscription = new Subscription();
      const fail = (reason: unknown) => {
        subscription.unsubscribe();
        reject(reason);
      };
      request.signal.addEventListener('abort', () => fail(request.signal.reason), { once: true });
      subscription.add(
        http.request(httpRequest).subscribe({
          next: (event) => {
            if (event.type === HttpEventType.Sent) fail(new TypeError(MISSING_INTERCEPTOR));
            else if (event instanceof HttpResponse && event.body instanceof Response) resolve(event.body);
          },
          // An error status arrives as the unread Response: sse-rx-client reads it like any other.
          error: (error: unknown) => {
            if (error instanceof HttpErrorResponse && error.error instanceof Response) resolve(error.error);
            else reject(error instanceof HttpErrorResponse ? error.error : error);
          },
          complete: () => reject(new TypeError(MISSING_INTERCEPTOR)),
        }),
      );
    });
  };
}

const MISSING_INTERCEPTOR =
  "sse-rx-angular: an event-stream request reached HttpClient's backend, which buffers the whole body: add sseRxInterceptor as the LAST interceptor, provideHttpClient(withInterceptors([...yours, sseRxInterceptor]))";

/** Whether a stream failed because no {@link sseRxInterceptor} is in the chain (a setup error: retrying cannot help). */
export function isMissingInterceptor(error: unknown): boolean {
  const cause = error instanceof Error ? error.cause : undefined;
  return [error, cause].some((e) => e instanceof TypeError && e.message === MISSING_INTERCEPTOR);
}

/** A same-origin URL as a path, as app code passes it to `HttpClient`; any other URL in full. */
function interceptorUrl(url: string): string {
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
  if (origin === undefined || origin === 'null') return url;
  const parsed = new URL(url);
  return parsed.origin === origin ? `${parsed.pathname}${parsed.search}` : url;
}
