import { type EnvironmentProviders, InjectionToken, makeEnvironmentProviders } from '@angular/core';
import type { FromSseConfig } from 'sse-rx-client';

/**
 * App-wide defaults for every {@link sseResource}, given to {@link provideSseRx}: sse-rx-client
 * options (reconnect backoff, `pauseWhen`, `stallTimeoutMs`, headers...), which a resource's own
 * `client` overrides field by field (`headers` name by name), and whether requests go through
 * `HttpClient`.
 * @example
 * ```ts
 * import type { SseRxConfig } from 'sse-rx-angular';
 * import { pageHidden } from 'sse-rx-client';
 * export const config: SseRxConfig = { client: { pauseWhen: pageHidden(), reconnect: { maxDelayMs: 10_000 } } };
 * ```
 */
export interface SseRxConfig {
  /** sse-rx-client's `FromSseConfig` for every resource (`onState` aside: the resource reports state). @default {} */
  client?: Omit<FromSseConfig, 'onState'>;
  /**
   * Send requests through the app's `HttpClient` (see {@link httpClientFetch}) when the app
   * provides one, so its interceptors apply; `false` for plain `fetch`. Ignored when `client.fetch` is set.
   * @default true
   */
  httpClient?: boolean;
}

/**
 * The {@link SseRxConfig} that {@link provideSseRx} provides; `{}` when none is.
 * @example
 * ```ts
 * import { inject } from '@angular/core';
 * import { SSE_RX_CONFIG } from 'sse-rx-angular';
 * // In an injection context:
 * export const usesHttpClient = () => inject(SSE_RX_CONFIG).httpClient !== false;
 * ```
 */
export const SSE_RX_CONFIG = new InjectionToken<SseRxConfig>('SSE_RX_CONFIG', {
  providedIn: 'root',
  factory: () => ({}),
});

/**
 * Provides app-wide defaults for every {@link sseResource} (optional: without it each resource
 * uses sse-rx-client's defaults, and `HttpClient` when the app provides one).
 * @example
 * ```ts
 * import { provideHttpClient, withInterceptors } from '@angular/common/http';
 * import { type ApplicationConfig, provideZonelessChangeDetection } from '@angular/core';
 * import { provideSseRx, sseRxInterceptor } from 'sse-rx-angular';
 * import { backOnline, pageHidden } from 'sse-rx-client';
 * export const appConfig: ApplicationConfig = {
 *   providers: [
 *     provideZonelessChangeDetection(),
 *     provideHttpClient(withInterceptors([sseRxInterceptor])),
 *     provideSseRx({ client: { pauseWhen: pageHidden(), reconnect: { retryNow: backOnline() } } }),
 *   ],
 * };
 * ```
 * @param config - the defaults; see {@link SseRxConfig}.
 * @returns the providers, for `ApplicationConfig.providers` or a route's `providers`.
 */
export function provideSseRx(config: SseRxConfig = {}): EnvironmentProviders {
  return makeEnvironmentProviders([{ provide: SSE_RX_CONFIG, useValue: config }]);
}
