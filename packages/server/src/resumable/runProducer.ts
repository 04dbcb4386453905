import { filter, type Observable, Subscription, take } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import type { SseErrorInfo } from '../sinks/errorBody.js';
import type { EventStore } from '../stores/eventStore.js';
import type { FoundStream, ResumableLimits, ResumableStore } from './resumableStore.js';
import { END_MESSAGE, errorMessage, expiredMessage, failureMessage, isTerminal } from './terminal.js';

/** What {@link runProducer} needs besides the producer. */
export interface ProducerRun extends ResumableLimits {
  streamId: string;
  store: ResumableStore;
  stream: FoundStream;
  keepMs: number;
  mapError: ((error: unknown) => SseErrorInfo | undefined) | undefined;
  onError: ((error: unknown, streamId: string) => void) | undefined;
}

/**
 * Runs `producer` once, detached from any request: appends each message to the stream's store in
 * order (one append at a time), then the terminal event (`end`, or an `error` for a failure, the
 * `ttlMs` or `maxEvents` bound, or a message named `end`/`error`, which are reserved; retried while
 * the store fails, until the deadline), and marks the stream finished. A terminal event appended by
 * someone else (a cancel, from any instance) unsubscribes the producer, and nothing more is appended.
 */
export function runProducer(producer: Observable<SseMessage>, run: ProducerRun): void {
  const { events, originId } = run.stream;
  const subscription = new Subscription();
  let appended: Promise<unknown> = Promise.resolve();
  let count = 0;
  let stopped = false;
  const report = (error: unknown): void => run.onError?.(error, run.streamId);

  /** Stops the producer; appends `terminal` (unless the stream was ended elsewhere) after every message before it. */
  const stop = (terminal?: SseMessage): void => {
    if (stopped) return;
    stopped = true;
    subscription.unsubscribe();
    if (!terminal) return;
    appended
      .catch(() => undefined)
      .then(() => appendTerminal(events, terminal, run.stream.deadline, report))
      .then((endId) => run.store.finish(run.streamId, endId, run.keepMs))
      .catch(report);
  };
  const fail = (error: unknown): void => {
    report(error);
    stop(failureMessage(error, run.mapError));
  };

  // Before the producer: a cancel appended at any time is seen.
  subscription.add(
    events
      .stream(originId)
      .pipe(filter(isTerminal), take(1))
      .subscribe({ next: () => stop(), error: report }),
  );
  const timer = setTimeout(() => stop(expiredMessage(run.ttlMs)), run.ttlMs);
  subscription.add(() => clearTimeout(timer));
  subscription.add(
    producer.subscribe({
      next: (message) => {
        if (stopped) return;
        if (isTerminal(message)) {
          fail(
            new TypeError(
              `A resumable stream's producer sent event "${message.event}": the names end and error are reserved for the terminal event. Complete the Observable, or fail it with an error, instead.`,
            ),
          );
          return;
        }
        if (++count > run.maxEvents) {
          stop(
            errorMessage({
              status: 413,
              code: 'too-large',
              message: `The stream sent more than ${run.maxEvents} events.`,
            }),
          );
          return;
        }
        const next = appended.then(() => events.append(message));
        appended = next;
        next.catch(fail);
      },
      error: fail,
      complete: () => stop(END_MESSAGE),
    }),
  );
}

/** The wait before the first retry of a failed terminal append; each next one waits twice as long, up to {@link MAX_RETRY_MS}. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5000;

/**
 * Appends the terminal event; an append that fails (a store failing over, say) is retried until the
 * stream's deadline, so that followers end once the store is back rather than at the deadline. The
 * first failure is reported, the last one thrown. A retry after an append whose reply was lost may
 * write a second terminal event: followers end at the first.
 */
async function appendTerminal(
  events: EventStore,
  terminal: SseMessage,
  deadline: number,
  report: (error: unknown) => void,
): Promise<string> {
  for (let wait = FIRST_RETRY_MS; ; wait = Math.min(wait * 2, MAX_RETRY_MS)) {
    try {
      return await events.append(terminal);
    } catch (error) {
      if (Date.now() + wait > deadline) throw error;
      if (wait === FIRST_RETRY_MS) report(error);
      // A store that stays down must not hold a process that is shutting down open until the deadline.
      await new Promise<void>((resolve) => {
        setTimeout(resolve, wait).unref?.();
      });
    }
  }
}
