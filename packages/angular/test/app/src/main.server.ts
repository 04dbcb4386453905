import { type BootstrapContext, bootstrapApplication } from '@angular/platform-browser';
import { provideServerRendering, renderApplication } from '@angular/platform-server';
import { API_ORIGIN, FeedComponent } from './feed.component';
import { appConfig } from './app.config';

/**
 * Renders the app on the server for `url`, its stream at `origin` (absolute: a server that opened
 * it would really send the request).
 */
export function render(url: string, origin: string, document: string): Promise<string> {
  const bootstrap = (context: BootstrapContext) =>
    bootstrapApplication(
      FeedComponent,
      { providers: [...appConfig.providers, provideServerRendering(), { provide: API_ORIGIN, useValue: origin }] },
      context,
    );
  return renderApplication(bootstrap, { document, url, allowedHosts: [new URL(origin).hostname] });
}
