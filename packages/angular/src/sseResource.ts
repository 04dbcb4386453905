import { HttpClient } from '@angular/common/http';
import { isPlatformServer } from '@angular/common';
import {
  assertInInjectionContext,
  computed,
  Injector,
  inject,
  NgZone,
  PLATFORM_ID,
  type ResourceRef,
  type Signal,
  signal,
} from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { Observable } from 'rxjs';
import { type FromSseConfig, fromSse, type RawSseEvent, type SseConnectionState } from 'sse-rx-client';
import { httpClientFetch, isMissingInterceptor } from './httpClientFetch.js';
import { SSE_RX_CONFIG } from './provideSseRx.js';

/**
 * The config of {@link sseResource}: which stream (reactive through `params`), how to read it, and
 * the client options.
 * @example
 * ```ts
 * import { signal } from '@angular/core';
 * import type { SseResourceConfig } from 'sse-rx-angular';
 * import { ofType } from 'sse-rx-client';
 * import { map } from 'rxjs';
 * const room = signal('lobby');
 * export const config: SseResourceConfig<string, { room: string }> = {
 *   params: () => ({ room: room() }),
 *   url: ({ room }) => `/rooms/${room}/events`,
 *   stream: ({ events$ }) => events$.pipe(ofType('message'), map((event) => event.data)),
 * };
 * ```
 */
export interface SseResourceConfig<T, P> {
  /**
   * The reactive part of the request: a computation over signals. When a signal it reads changes,
   * the current stream is closed and one for the new params opened; `undefined` closes it and
   * leaves the resource `idle`.
   * @default undefined (one stream, opened once)
   */
  params?: () => P | undefined;
  /** The stream's URL, or a function of the params that builds it. A same-origin path is fine in a browser. */
  url: string | URL | ((params: P) => string | URL);
  /**
   * Turns the events into the values the resource holds, e.g. `ofType`, `parseJson`, `map`,
   * `scan` for a list. Its errors become the resource's `error()`.
   */
  stream: (source: SseResourceSource<P>) => Observable<T>;
  /**
   * sse-rx-client options for this resource (or a function of the params), over the app-wide
   * `client` of {@link provideSseRx}: these win field by field, `headers` name by name.
   * @default undefined (the defaults only)
   */
  client?: FromSseConfig | ((params: P) => FromSseConfig);
  /** The value while no event has arrived, while `idle` and after an error. @default undefined */
  defaultValue?: T;
  /** The injector to use outside an injection context. @default the current one (`inject(Injector)`) */
  injector?: Injector;
}

/**
 * What {@link SseResourceConfig.stream} is given for each stream.
 * @example
 * ```ts
 * import type { SseResourceSource } from 'sse-rx-angular';
 * import { parseJson } from 'sse-rx-client';
 * export const ticks = ({ events$ }: SseResourceSource<unknown>) => events$.pipe(parseJson<{ n: number }>());
 * ```
 */
export interface SseResourceSource<P> {
  /** The events, from sse-rx-client's `fromSse` (reconnecting with `Last-Event-ID` unless configured otherwise). */
  readonly events$: Observable<RawSseEvent>;
  /** The params this stream was opened for. */
  readonly params: P;
}

/**
 * The status of an {@link sseResource}: `idle` (no params, or rendering on the server), the
 * connection's own status (`connecting`, `open`, `reconnecting`, `paused`, `closed`; see
 * `SseConnectionState` in sse-rx-client), or `error` once the stream failed for good.
 * @example
 * ```ts
 * import type { SseResourceStatus } from 'sse-rx-angular';
 * export const live = (status: SseResourceStatus) => status === 'open';
 * ```
 */
export type SseResourceStatus = 'idle' | SseConnectionState['status'] | 'error';

/**
 * What {@link sseResource} returns: signals over the stream, and control of it.
 * @example
 * ```ts
 * import type { SseResourceRef } from 'sse-rx-angular';
 * export const label = (feed: SseResourceRef<number>) => `${feed.status()}: ${feed.value()}`;
 * ```
 */
export interface SseResourceRef<T> {
  /**
   * The latest value of `stream`: the default value until the first one, while `idle` and after an
   * error (unlike Angular's `ResourceRef.value()`, it never throws: `error()` says what happened).
   */
  readonly value: Signal<T>;
  /** The connection status; see {@link SseResourceStatus}. */
  readonly status: Signal<SseResourceStatus>;
  /** The connection state in full (with `attempt`, `delayMs` and `error` while `reconnecting`). */
  readonly state: Signal<SseConnectionState>;
  /** What ended the stream: an sse-rx-client error (`SseHttpError`, `SseServerError`...) or the error of `stream`. */
  readonly error: Signal<Error | undefined>;
  /** The underlying Angular resource (from `rxResource`). */
  readonly resource: ResourceRef<T>;
  /** Whether a value has arrived (and no error happened since). */
  hasValue(): boolean;
  /**
   * Closes the stream and opens a fresh one for the same params.
   * @returns `false` when the resource is `idle` (nothing to reload).
   */
  reload(): boolean;
  /** Closes the stream for good (done for you when the injector, e.g. the component, is destroyed). */
  destroy(): void;
}

/**
 * A Server-Sent Events stream as an Angular resource, on `rxResource`: the stream opens when the
 * resource is created (or when `params` first returns a value), reconnects when a signal that
 * `params` reads changes, and closes when the component or service is destroyed. `value()` holds
 * the latest value of `stream`, `status()` follows the connection (`connecting`, `open`,
 * `reconnecting` with backoff and `Last-Event-ID`, ...), `error()` holds the typed error that ended
 * it (`SseHttpError` for a 401, `SseServerError` for the server's `event: error`), `reload()` opens
 * a fresh one.
 *
 * Requests go through the app's `HttpClient` when it provides one (see {@link httpClientFetch} and
 * {@link sseRxInterceptor}), so its interceptors apply. While rendering on the server (SSR) no
 * stream is opened: the resource stays `idle`, with its default value, and adds nothing the render
 * waits for; in the browser, after hydration, it connects. The subscription runs outside Angular's
 * zone where there is one, so a long-lived stream never keeps the app from becoming stable;
 * change detection follows the signals (zoneless or not).
 * @example
 * ```ts
 * import { Component, signal } from '@angular/core';
 * import { sseResource } from 'sse-rx-angular';
 * import { ofType, parseJson } from 'sse-rx-client';
 * import { map } from 'rxjs';
 *
 * @Component({
 *   selector: 'app-prices',
 *   template: `<p>{{ prices.status() }}: {{ prices.value() }}</p>`,
 * })
 * export class PricesComponent {
 *   readonly symbol = signal('ACME');
 *   readonly prices = sseResource({
 *     params: () => ({ symbol: this.symbol() }),
 *     url: ({ symbol }) => `/prices?symbol=${encodeURIComponent(symbol)}`,
 *     stream: ({ events$ }) => events$.pipe(ofType('price'), parseJson<{ price: number }>(), map((e) => e.data.price)),
 *   });
 * }
 * // connecting: (nothing yet), then open: 101.5, then open: 101.75...
 * // symbol.set('INIT'): the stream closes, a new one opens for INIT
 * ```
 * @param config - the stream, `params`, `stream` and client options; see {@link SseResourceConfig}.
 * @returns the resource; see {@link SseResourceRef}.
 */
export function sseResource<T, P = undefined>(
  config: SseResourceConfig<T, P> & { defaultValue: NoInfer<T> },
): SseResourceRef<T>;
export function sseResource<T, P = undefined>(config: SseResourceConfig<T, P>): SseResourceRef<T | undefined>;
export function sseResource<T, P>(config: SseResourceConfig<T, P>): SseResourceRef<T | undefined> {
  if (config.injector === undefined) assertInInjectionContext(sseResource);
  const injector = config.injector ?? inject(Injector);
  const onServer = isPlatformServer(injector.get(PLATFORM_ID));
  const { httpClient = true, client: defaults = {} } = injector.get(SSE_RX_CONFIG);
  const http = httpClient ? injector.get(HttpClient, null, { optional: true }) : null;
  const zone = injector.get(NgZone);
  const state = signal<SseConnectionState>({ status: 'closed' });
  // Each stream reports its state under its own number: a closed stream's last word is ignored.
  let current = 0;

  const resource = rxResource<T | undefined, { value: P } | undefined>({
    params: () => {
      if (onServer) return undefined;
      if (config.params === undefined) return { value: undefined as P };
      const value = config.params();
      return value === undefined ? undefined : { value };
    },
    stream: ({ params: { value: params } }) => {
      const id = ++current;
      const own = typeof config.client === 'function' ? config.client(params) : (config.client ?? {});
      const merged: FromSseConfig = { ...defaults, ...own };
      const clientConfig: FromSseConfig = {
        ...merged,
        reconnect: neverRetryMissingInterceptor(merged),
        headers: mergeHeaders(defaults.headers, own.headers),
        fetch: own.fetch ?? defaults.fetch ?? (http ? httpClientFetch(http) : undefined),
        onState: (next) => {
          if (id === current) state.set(next);
          own.onState?.(next);
        },
      };
      const url = typeof config.url === 'function' ? config.url(params) : config.url;
      const values$ = config.stream({ events$: fromSse(url, clientConfig), params });
      return new Observable<T>((subscriber) => zone.runOutsideAngular(() => values$.subscribe(subscriber)));
    },
    defaultValue: config.defaultValue,
    injector,
  });

  return {
    // Angular's value() throws in the error state; a stream's UI shows error() beside the default instead.
    value: computed(() => (resource.status() === 'error' ? config.defaultValue : resource.value())),
    status: computed(() => {
      const status = resource.status();
      return status === 'idle' || status === 'error' ? status : state().status;
    }),
    state: state.asReadonly(),
    error: resource.error,
    resource,
    hasValue: () => resource.hasValue(),
    reload: () => resource.reload(),
    destroy: () => resource.destroy(),
  };
}

/** The defaults' headers with the resource's own on top, name by name. */
function mergeHeaders(defaults?: HeadersInit, own?: HeadersInit): HeadersInit | undefined {
  if (defaults === undefined || own === undefined) return own ?? defaults;
  const headers = new Headers(defaults);
  for (const [name, value] of new Headers(own)) headers.set(name, value);
  return headers;
}

/** The config's reconnect rule (by default: GET and HEAD only), except that a missing sseRxInterceptor is never retried. */
function neverRetryMissingInterceptor({ reconnect, method = 'GET' }: FromSseConfig): FromSseConfig['reconnect'] {
  const rule = reconnect ?? /^(get|head)$/i.test(method);
  if (rule === false) return false;
  const options = rule === true ? {} : rule;
  return {
    ...options,
    shouldRetry: (context) => (isMissingInterceptor(context.error) ? false : options.shouldRetry?.(context)),
  };
}
