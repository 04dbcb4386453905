import { bootstrapApplication } from '@angular/platform-browser';
import { API_ORIGIN, FeedComponent } from './feed.component';
import { appConfig } from './app.config';

bootstrapApplication(FeedComponent, {
  providers: [...appConfig.providers, { provide: API_ORIGIN, useValue: location.origin }],
}).catch((error: unknown) => console.error(error));
