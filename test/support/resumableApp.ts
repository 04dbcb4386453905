import type { RequestListener } from 'node:http';
import { defer, finalize, interval, map, mergeMap, type Observable, range, take } from 'rxjs';
import { readLastEventId, type ResumableStreams, sendEvents, type SseMessage } from 'sse-rx-server';

/** What a test sees of the producers an app started. */
export interface ProducerLog {
  /** Producer subscriptions (the model started), by stream id. */
  started: string[];
  /** Producer unsubscriptions or completions, by stream id. */
  stopped: string[];
  /** POST requests that reached the app. */
  posts: number;
}

/** A stand-in model: `count` tokens (`t0`, `t1`...), 10 every 2 ms; counted in `log`. */
export function tokens(streamId: string, count: number, log: ProducerLog): Observable<SseMessage> {
  return defer(() => {
    log.started.push(streamId);
    return interval(2).pipe(
      take(Math.ceil(count / 10)),
      mergeMap((n) => range(n * 10, Math.min(10, count - n * 10))),
      map((n): SseMessage => ({ event: 'token', data: `t${n}` })),
      finalize(() => log.stopped.push(streamId)),
    );
  });
}

/**
 * The app under test: `POST /answers` (stream id in the `sse-rx-stream-id` header) starts
 * `produce(id)`, `GET /answers/<id>` follows, `DELETE /answers/<id>` cancels (JSON result).
 */
export function resumableApp(
  streams: ResumableStreams,
  produce: (streamId: string) => Observable<SseMessage>,
  log: ProducerLog,
): RequestListener {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'POST' && path === '/answers') {
      log.posts++;
      const streamId = String(req.headers['sse-rx-stream-id'] ?? '');
      void sendEvents(req, res, streams.start(streamId, produce(streamId)));
      return;
    }
    const streamId = decodeURIComponent(path.slice('/answers/'.length));
    if (req.method === 'DELETE') {
      streams.cancel(streamId).then(
        (result) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
        () => res.writeHead(400).end(),
      );
      return;
    }
    void sendEvents(req, res, streams.follow(streamId, readLastEventId(req)));
  };
}
