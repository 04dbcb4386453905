import 'reflect-metadata';
import { Controller, type INestApplication, type MessageEvent, Module, Sse } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { firstValueFrom, from, type Observable, toArray } from 'rxjs';
import { fromSse, parseJson } from 'sse-rx-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What the NestJS endpoint sends: JSON objects, a string with line breaks, custom types, ids, unicode. */
const sent: MessageEvent[] = [
  { type: 'tick', id: 'n1', data: { n: 1, text: 'héllo 😀' } },
  { type: 'tick', id: 'n2', data: { n: 2, lines: 'a\nb' } },
  { type: 'note', id: 'n3', data: 'line one\nline two' },
  { id: 'n4', data: '日本語' }, // without an id NestJS numbers events per connection (1, 2, ...)
];

// Decorators applied as plain calls, so the test needs no decorator transform.
class EventsController {
  events(): Observable<MessageEvent> {
    return from(sent);
  }
}
Sse('events')(
  EventsController.prototype,
  'events',
  Object.getOwnPropertyDescriptor(EventsController.prototype, 'events')!,
);
Controller()(EventsController);
class AppModule {}
Module({ controllers: [EventsController] })(AppModule);

describe('sse-rx-client reads a NestJS @Sse() endpoint', () => {
  let app: INestApplication;
  let url: string;
  beforeAll(async () => {
    app = await NestFactory.create(AppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => app?.close());

  it('receives every event with its type, id and data, event for event', async () => {
    const events = await firstValueFrom(fromSse(`${url}/events`, { reconnect: false }).pipe(toArray()));
    expect(events.map((e) => [e.type, e.lastEventId])).toEqual([
      ['tick', 'n1'],
      ['tick', 'n2'],
      ['note', 'n3'],
      ['message', 'n4'],
    ]);
    expect(events.map((e) => e.data)).toEqual([
      JSON.stringify(sent[0]!.data),
      JSON.stringify(sent[1]!.data),
      'line one\nline two',
      '日本語',
    ]);
  });

  it('parses the JSON payloads back into the objects NestJS sent', async () => {
    const ticks = await firstValueFrom(
      fromSse<{ tick: { n: number } }>(`${url}/events`, { reconnect: false }).pipe(
        parseJson({ onInvalid: 'skip' }),
        toArray(),
      ),
    );
    expect(ticks.filter((e) => e.type === 'tick').map((e) => e.data)).toEqual([sent[0]!.data, sent[1]!.data]);
  });
});
