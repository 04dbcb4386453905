import { type HttpInterceptorFn, provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { type ApplicationConfig, provideZonelessChangeDetection } from '@angular/core';
import { provideClientHydration } from '@angular/platform-browser';
import { provideSseRx, sseRxInterceptor } from 'sse-rx-angular';

/** A base-URL interceptor: the app asks for `/api/...`, the server answers `/v1/...`. */
const baseUrl: HttpInterceptorFn = (req, next) =>
  next(req.url.startsWith('/api/') ? req.clone({ url: `/v1/${req.url.slice('/api/'.length)}` }) : req);

/** An auth interceptor: a bearer token on every `/v1/` request. */
const auth: HttpInterceptorFn = (req, next) =>
  next(req.url.startsWith('/v1/') ? req.clone({ setHeaders: { authorization: 'Bearer test-token' } }) : req);

/** The providers the browser and the server share: zoneless, HttpClient with the interceptors, fast reconnects. */
export const appConfig: ApplicationConfig = {
  providers: [
    provideZonelessChangeDetection(),
    provideClientHydration(),
    provideHttpClient(withFetch(), withInterceptors([baseUrl, auth, sseRxInterceptor])),
    provideSseRx({ client: { reconnect: { initialDelayMs: 300, maxDelayMs: 600 } } }),
  ],
};
