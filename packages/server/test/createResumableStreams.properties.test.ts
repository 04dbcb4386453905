import fc from 'fast-check';
import { from, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createResumableStreams, readLastEventId, sendEvents, type SseMessage } from '../src/index.js';
import { decode, fetchText, listen } from './helpers.js';

/** What a client decodes of `data` sent as SSE: line breaks (CR, LF, CRLF) become LF. */
const decoded = (data: string) => data.replace(/\r\n?/g, '\n');

describe('createResumableStreams on the wire (properties)', () => {
  it('a follower resuming after any event gets exactly the events after it, then event: end', async () => {
    let producer: Observable<SseMessage> = from([]);
    const streams = createResumableStreams();
    const server = await listen((req, res) => {
      const streamId = (req.url ?? '/').slice(1);
      void sendEvents(
        req,
        res,
        req.method === 'POST' ? streams.start(streamId, producer) : streams.follow(streamId, readLastEventId(req)),
      );
    });
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              event: fc.constantFrom('token', 'message', 'tool'),
              data: fc.string({ unit: 'binary', maxLength: 12 }),
            }),
            { maxLength: 25 },
          ),
          fc.nat(),
          async (messages, pick) => {
            const streamId = `p${++run}`;
            producer = from(messages);
            const started = decode((await fetchText(`${server.url}/${streamId}`, { method: 'POST' })).text).events;
            expect(started.map((e) => [e.type, e.data])).toEqual([
              ...messages.map((m) => [m.event, decoded(m.data)]),
              ['end', '{}'],
            ]);
            const from_ = messages.length === 0 ? 0 : pick % messages.length;
            const headers = messages.length === 0 ? undefined : { 'last-event-id': started[from_]!.lastEventId };
            const resumed = decode((await fetchText(`${server.url}/${streamId}`, { headers })).text).events;
            const skip = messages.length === 0 ? 0 : from_ + 1;
            expect(resumed.map((e) => e.data)).toEqual(started.slice(skip).map((e) => e.data));
          },
        ),
        { numRuns: 25 },
      );
    } finally {
      await server.close();
    }
  }, 60_000);

  it('accepts exactly the stream ids of 1 to 128 characters of A-Z a-z 0-9 . _ ~ : -, and answers any other with 400', async () => {
    const streams = createResumableStreams();
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 140 }), async (streamId) => {
        const valid = /^[A-Za-z0-9._~:-]{1,128}$/.test(streamId);
        const outcome = await new Promise<unknown>((resolve) =>
          streams.follow(streamId).subscribe({ error: resolve, complete: () => resolve('complete') }),
        );
        expect((outcome as { status?: number }).status).toBe(valid ? 404 : 400);
      }),
      { numRuns: 300 },
    );
  });
});
