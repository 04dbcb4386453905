import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, take, timeout, toArray } from 'rxjs';
import { fromSse } from 'sse-rx-client';
import { SseDecoder, type SseEvent } from 'sse-rx-codec';
import { sseHeaders } from 'sse-rx-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/http.js';
import { bundleScript, type RunningScript, runtimes, startScript } from './support/runtimes.js';

/** The event `n` of `test/runtimes/server.ts`, as it is written and as it decodes. */
const wire = (n: number) => `event: tick\nid: ${n}\ndata: héllo 世界 🎉 ${n}\n\n`;
const decoded = (n: number): SseEvent => ({ type: 'tick', data: `héllo 世界 🎉 ${n}`, lastEventId: String(n) });

function decode(bytes: Uint8Array): SseEvent[] {
  const events: SseEvent[] = [];
  const decoder = new SseDecoder({ onEvent: (event) => events.push(event) });
  decoder.feed(bytes);
  decoder.end();
  return events;
}

/** Reads `body` until its text includes `text` (bounded by `timeoutMs`); returns the text so far. */
async function readUntil(body: ReadableStream<Uint8Array>, text: string, timeoutMs = 10_000): Promise<string> {
  const reader = body.getReader();
  const utf8 = new TextDecoder();
  const deadline = Date.now() + timeoutMs;
  let seen = '';
  while (!seen.includes(text)) {
    if (Date.now() > deadline) throw new Error(`no ${JSON.stringify(text)} within ${timeoutMs} ms: ${seen}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`the body ended before ${JSON.stringify(text)}: ${seen}`);
    seen += utf8.decode(value, { stream: true });
  }
  reader.releaseLock();
  return seen;
}

/** A raw HTTP/1.1 GET on a socket, collecting what comes back. */
function rawGet(port: number, path: string): { socket: Socket; received: () => string } {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  socket.on('error', () => {});
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  return { socket, received: () => received };
}

let dir: string;
let script: string;
const timings: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sse-rx-runtimes-server-'));
  script = join(dir, 'server.mjs');
  await bundleScript('server', script);
});

afterAll(() => {
  if (timings.length > 0) console.info(`client gone -> source unsubscribed:\n  ${timings.join('\n  ')}`);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

for (const runtime of runtimes) {
  describe.skipIf(!existsSync(runtime.bin))(`sse-rx-server's toResponse in ${runtime.name}`, () => {
    let server: RunningScript;
    let port: number;
    let base: string;

    beforeAll(async () => {
      server = startScript(runtime, script);
      await waitFor(() => server.lines.some((line) => line.text.startsWith('port ')), 20_000, `${runtime.name}'s port`);
      port = Number(server.lines.find((line) => line.text.startsWith('port '))!.text.slice('port '.length));
      base = `http://127.0.0.1:${port}`;
    });

    afterAll(async () => {
      await server?.stop();
    });

    /** Waits for the source of `tag` to be torn down, at most 10 s after `leftAt`, and records how long it took. */
    async function unsubscribedAfter(tag: string, leftAt: number, how: string): Promise<void> {
      const at = await server.line(`unsubscribed ${tag}`, 10_000);
      timings.push(`${runtime.name}, ${how}: ${at - leftAt} ms`);
    }

    it('sends the event-stream headers and exactly the encoded events (non-ASCII intact), and ends when the source completes', async () => {
      const response = await fetch(`${base}/finite?tag=wire`);
      expect(response.status).toBe(200);
      for (const [name, value] of Object.entries(sseHeaders())) expect(response.headers.get(name), name).toBe(value);
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect(bytes).toEqual(new TextEncoder().encode(wire(1) + wire(2) + wire(3)));
      expect(decode(bytes)).toEqual([decoded(1), decoded(2), decoded(3)]);
      await server.line('unsubscribed wire');
    });

    it('resumes after Last-Event-ID: a header, and fromSse reconnecting after the end', async () => {
      const response = await fetch(`${base}/finite?tag=header`, { headers: { 'last-event-id': '41' } });
      expect(decode(new Uint8Array(await response.arrayBuffer()))).toEqual([decoded(42), decoded(43), decoded(44)]);

      const events = await firstValueFrom(
        fromSse(`${base}/finite?tag=resume`, { reconnect: { initialDelayMs: 10, jitter: false } }).pipe(
          take(6),
          toArray(),
          timeout(10_000),
        ),
      );
      expect(events).toEqual([1, 2, 3, 4, 5, 6].map(decoded));
      expect(server.lines.filter((line) => line.text === 'subscribed resume')).toHaveLength(2);
    });

    it('answers HEAD with the headers and no body, and never subscribes', async () => {
      const response = await fetch(`${base}/infinite?tag=head`, { method: 'HEAD' });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(sseHeaders()['content-type']);
      expect(await response.text()).toBe('');
      // A later request's source subscribes after the HEAD was handled: by then HEAD's would have too.
      const after = await fetch(`${base}/finite?tag=after-head`);
      await after.arrayBuffer();
      expect(server.lines.map((line) => line.text)).not.toContain('subscribed head');
    });

    it('sends heartbeat comments on a silent stream, and stops them when the client aborts', async () => {
      const client = new AbortController();
      const response = await fetch(`${base}/silent?tag=beats&heartbeatMs=50`, { signal: client.signal });
      const text = await readUntil(response.body!, `${wire(1)}: \n\n`);
      expect(text.startsWith(`: sse-rx heartbeat-ms=50\n\n${wire(1)}: \n\n`), text).toBe(true);
      const leftAt = Date.now();
      client.abort();
      await unsubscribedAfter('beats', leftAt, 'fetch aborted between heartbeats (50 ms)');
    });

    // Bun.serve cuts a connection idle for `idleTimeout` (10 s by default; counted in 4 s steps, so
    // 1 s cuts it at the next step even with writes): the runtime cancels the body, which stops the source.
    if (runtime.name === 'Bun')
      it('Bun: unsubscribes the source of a stream that its idle timeout cuts, and the client sees the end', async () => {
        const { socket, received } = rawGet(port, '/silent?heartbeatMs=60000&idleTimeoutS=1&tag=idle');
        await waitFor(() => received().includes(wire(1)), 10_000, 'the first event');
        const subscribedAt = await server.line('subscribed idle');
        const at = await server.line('unsubscribed idle', 15_000);
        timings.push(`Bun, idle timeout 1 s: cut ${at - subscribedAt} ms after the subscription`);
        await waitFor(() => socket.closed, 5_000, 'the socket to close');
      });

    // Streaming: writes every 20 ms. Silent: nothing written after the first event (the heartbeat is
    // 60 s away). Held: the head is not out yet (no event, headTimeoutMs 60 s).
    const streams = [
      { kind: 'streaming', path: '/infinite?', firstBytes: wire(1) },
      { kind: 'silent', path: '/silent?heartbeatMs=60000&', firstBytes: wire(1) },
      { kind: 'held', path: '/held?headTimeoutMs=60000&', firstBytes: undefined },
    ];
    for (const { kind, path, firstBytes } of streams) {
      it(`unsubscribes the source of a ${kind} stream when the client aborts its fetch`, async () => {
        const tag = `${kind}-fetch`;
        const client = new AbortController();
        const response = fetch(`${base}${path}tag=${tag}`, { signal: client.signal });
        if (firstBytes) await readUntil((await response).body!, firstBytes);
        else await server.line(`subscribed ${tag}`);
        expect(server.lines.map((line) => line.text)).not.toContain(`unsubscribed ${tag}`);
        const leftAt = Date.now();
        client.abort();
        await response.catch(() => undefined);
        await unsubscribedAfter(tag, leftAt, `fetch aborted, ${kind} stream`);
      });

      it(`unsubscribes the source of a ${kind} stream when the client's socket is destroyed`, async () => {
        const tag = `${kind}-socket`;
        const { socket, received } = rawGet(port, `${path}tag=${tag}`);
        if (firstBytes) await waitFor(() => received().includes(firstBytes), 10_000, `the first event on ${tag}`);
        else await server.line(`subscribed ${tag}`);
        expect(server.lines.map((line) => line.text)).not.toContain(`unsubscribed ${tag}`);
        const leftAt = Date.now();
        socket.destroy();
        await unsubscribedAfter(tag, leftAt, `socket destroyed, ${kind} stream`);
      });
    }
  });
}
