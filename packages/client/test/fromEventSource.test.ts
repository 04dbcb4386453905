import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fromEventSource, isSseNetworkError } from '../src/index.js';

/** A stand-in for the browser's EventSource (Node 20 has none): an EventTarget the test drives. */
class FakeEventSource extends EventTarget {
  static instances: FakeEventSource[] = [];
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSED = 2;
  readyState = 0;
  constructor(
    readonly url: string | URL,
    readonly init?: EventSourceInit,
  ) {
    super();
    FakeEventSource.instances.push(this);
  }
  close(): void {
    this.readyState = this.CLOSED;
  }
  emit(type: string, data: string, lastEventId = ''): void {
    this.dispatchEvent(new MessageEvent(type, { data, lastEventId }));
  }
  fail(readyState: number): void {
    this.readyState = readyState;
    this.dispatchEvent(new Event('error'));
  }
}

const EventSourceClass = FakeEventSource as unknown as typeof EventSource;

describe('fromEventSource', () => {
  it('opens an EventSource per subscription and closes it on unsubscribe', () => {
    const events: unknown[] = [];
    const subscription = fromEventSource('/events', { EventSource: EventSourceClass, withCredentials: true }).subscribe(
      (e) => events.push(e),
    );
    const source = FakeEventSource.instances.at(-1);
    expect(source?.init).toEqual({ withCredentials: true });
    source?.emit('message', 'hi', '1');
    subscription.unsubscribe();
    expect(events).toEqual([{ type: 'message', data: 'hi', lastEventId: '1' }]);
    expect(source?.readyState).toBe(2);
  });

  it('listens to the given event types only', () => {
    const source = new FakeEventSource('/events');
    const types: string[] = [];
    const subscription = fromEventSource<{ tick: number; chat: string }>(source as unknown as EventSource, {
      eventTypes: ['tick', 'chat'],
    }).subscribe((e) => types.push(e.type));
    source.emit('tick', '1');
    source.emit('message', 'ignored');
    source.emit('chat', 'x');
    subscription.unsubscribe();
    expect(types).toEqual(['tick', 'chat']);
    expect(source.readyState).toBe(0);
  });

  it('ignores errors while the browser reconnects and fails once it gives up', async () => {
    const source = new FakeEventSource('/events');
    const result = lastValueFrom(fromEventSource(source as unknown as EventSource).pipe(toArray())).catch(
      (e: unknown) => e,
    );
    source.emit('message', 'a', '5');
    source.fail(source.CONNECTING);
    source.emit('message', 'b', '6');
    source.fail(source.CLOSED);
    const error = await result;
    expect(isSseNetworkError(error) && error.lastEventId).toBe('6');
  });
});
