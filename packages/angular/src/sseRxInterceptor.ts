import {
  HttpContextToken,
  HttpErrorResponse,
  type HttpEvent,
  HttpHeaders,
  type HttpInterceptorFn,
  type HttpRequest,
  HttpResponse,
} from '@angular/common/http';
import { Observable } from 'rxjs';

/** What {@link httpClientFetch} hands to {@link sseRxInterceptor}: the client's request and the `fetch` that sends it. */
export interface SseRxRequestContext {
  /** The request sse-rx-client built for this attempt (its signal aborts the stream). */
  readonly request: Request;
  /** The `fetch` that sends the request once the interceptors are done with it. */
  readonly fetch: typeof fetch;
}

/**
 * The `HttpContext` entry that marks a request as an sse-rx stream; `null` on every other request.
 * @example
 * ```ts
 * import type { HttpInterceptorFn } from '@angular/common/http';
 * import { SSE_RX_REQUEST } from 'sse-rx-angular';
 * // An interceptor that leaves event streams alone:
 * export const logging: HttpInterceptorFn = (req, next) => {
 *   if (req.context.get(SSE_RX_REQUEST) === null) console.log(req.method, req.url);
 *   return next(req);
 * };
 * ```
 */
export const SSE_RX_REQUEST = new HttpContextToken<SseRxRequestContext | null>(() => null);

/**
 * The interceptor that sends sse-rx requests once the app's interceptors have shaped them (auth
 * headers, base URL, `withCredentials`): register it LAST in `withInterceptors([...])`. It answers
 * an event stream itself with `fetch`, so the body streams as it arrives (Angular's own backends
 * buffer the whole body, which an endless stream never ends), and passes every other request on.
 *
 * The interceptors before it see an `HttpResponse` whose body is the `fetch` `Response` for a 2xx,
 * and an `HttpErrorResponse` with the real `status` and `headers` otherwise (its `error` is the
 * unread `Response`), so a refresh-on-401 interceptor can retry; a network failure is an
 * `HttpErrorResponse` with status 0 whose `error` is what `fetch` threw.
 * @example
 * ```ts
 * import { provideHttpClient, withInterceptors, type HttpInterceptorFn } from '@angular/common/http';
 * import { provideSseRx, sseRxInterceptor } from 'sse-rx-angular';
 * const auth: HttpInterceptorFn = (req, next) => next(req.clone({ setHeaders: { authorization: 'Bearer t0k3n' } }));
 * export const providers = [provideHttpClient(withInterceptors([auth, sseRxInterceptor])), provideSseRx()];
 * ```
 * @param req - the request, as the interceptors before this one left it.
 * @param next - the rest of the chain (for every request that is not an sse-rx stream).
 * @returns the response events.
 */
export const sseRxInterceptor: HttpInterceptorFn = (req, next) => {
  const stream = req.context.get(SSE_RX_REQUEST);
  return stream === null ? next(req) : send(req, stream);
};

/** Sends one stream request with `fetch`; the body is left to the caller, whose signal ends it. */
function send(req: HttpRequest<unknown>, { request, fetch }: SseRxRequestContext): Observable<HttpEvent<unknown>> {
  return new Observable((subscriber) => {
    // Aborts only while the head is awaited: once delivered, the body belongs to the client.
    const pending = new AbortController();
    let delivered = false;
    const headers = new Headers();
    for (const name of req.headers.keys()) headers.set(name, req.headers.getAll(name)?.join(', ') ?? '');
    const body = req.serializeBody();
    fetch(req.urlWithParams, {
      method: req.method,
      headers,
      body: body === null ? undefined : (body as BodyInit),
      credentials: req.withCredentials ? 'include' : request.credentials,
      cache: request.cache,
      redirect: request.redirect,
      referrerPolicy: request.referrerPolicy,
      signal: AbortSignal.any([request.signal, pending.signal]),
    }).then(
      (response) => {
        delivered = true;
        const head = {
          headers: new HttpHeaders(response.headers),
          status: response.status,
          statusText: response.statusText,
          url: response.url || req.urlWithParams,
        };
        if (response.ok) {
          subscriber.next(new HttpResponse({ ...head, body: response }));
          subscriber.complete();
        } else subscriber.error(new HttpErrorResponse({ ...head, error: response }));
      },
      (error: unknown) => subscriber.error(new HttpErrorResponse({ error, status: 0, url: req.urlWithParams })),
    );
    return () => {
      if (!delivered) pending.abort();
    };
  });
}
