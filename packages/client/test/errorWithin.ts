import type { Observable } from 'rxjs';

/** The error a subscription ends with, or an Error saying none came within `ms`. */
export function errorWithin(source: Observable<unknown>, ms: number): Promise<unknown> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      subscription.unsubscribe();
      resolve(new Error(`no error within ${ms} ms`));
    }, ms);
    const subscription = source.subscribe({
      error: (error: unknown) => {
        clearTimeout(timer);
        resolve(error);
      },
      complete: () => {
        clearTimeout(timer);
        resolve(new Error('completed'));
      },
    });
  });
}
