import { map, take, type Observable } from 'rxjs';
import { fromSse } from 'sse-rx-client';

/**
 * The clock's times, as strings: default `message` events, reconnecting on its own.
 * @param url - the clock stream's URL.
 * @returns a cold Observable; each subscription opens its own connection.
 */
export function times(url: string): Observable<string> {
  return fromSse<{ message: string }>(url).pipe(map((event) => event.data));
}

/**
 * Prints `count` times from the clock at `url`, one a line.
 * @param url - the clock stream's URL.
 * @param count - how many times to print before leaving.
 * @returns a Promise settled when done.
 */
export function printTimes(url: string, count = 10): Promise<void> {
  return new Promise((resolve, reject) => {
    times(url)
      .pipe(take(count))
      .subscribe({ next: (time) => console.log(time), error: reject, complete: resolve });
  });
}

// `tsx src/client.ts [url]`: print ten times from a running server.
if (import.meta.url === `file://${process.argv[1]}`) {
  await printTimes(process.argv[2] ?? 'http://127.0.0.1:3000/');
}
