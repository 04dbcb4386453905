import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, constants, createSecureServer, type Http2SecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interval, map, NEVER, of } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStreamRegistry, sendEvents, type SendEventsConfig } from '../src/index.js';
import type { SseMessage } from 'sse-rx-codec';
import type { Observable } from 'rxjs';
import { counted, until } from './helpers.js';

/** A throwaway self-signed certificate for 127.0.0.1, made with openssl (the suite is skipped without it). */
function selfSigned(): { key: Buffer; cert: Buffer } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'sse-rx-h2-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const tls = selfSigned();
let server: Http2SecureServer;
let origin = '';
let source: () => Observable<SseMessage> = () => of();
let config: SendEventsConfig = {};

beforeAll(async () => {
  if (!tls) return;
  server = createSecureServer(tls, (req, res) => void sendEvents(req, res, source(), config));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  if (tls) await new Promise((resolve) => server.close(resolve));
});

/** Opens one HTTP/2 stream; resolves with its headers and, once it ends, its body. */
function request(onHeaders?: (close: () => void) => void) {
  const session = connect(origin, { ca: tls!.cert });
  const stream = session.request({ ':path': '/' });
  let body = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
  return new Promise<{ headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    let headers: Record<string, unknown> = {};
    stream.on('response', (h) => {
      headers = h;
      onHeaders?.(() => stream.close(constants.NGHTTP2_CANCEL));
    });
    stream.on('close', () => {
      session.close();
      resolve({ headers, body });
    });
    stream.on('error', reject);
    session.on('error', reject);
  });
}

describe.skipIf(!tls)('sendEvents over HTTP/2', () => {
  it('streams the exact wire text without the HTTP/1-only connection header', async () => {
    source = () => of({ event: 'tick', id: '1', data: 'x' });
    config = {};
    const { headers, body } = await request();
    expect(headers[':status']).toBe(200);
    expect(headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(headers['connection']).toBeUndefined();
    expect(body).toBe('event: tick\nid: 1\ndata: x\n\n');
  });

  it('unsubscribes when the client cancels the stream', async () => {
    const ticks = counted(interval(5).pipe(map((n) => ({ data: String(n) }))));
    source = () => ticks.source$;
    await request((close) => setTimeout(close, 30));
    await until(() => ticks.active() === 0);
    expect(ticks.total()).toBe(1);
  });

  it('closes a slow stream under the close policy without crashing the server', async () => {
    const ticks = counted(interval(1).pipe(map(() => ({ data: 'x'.repeat(10_000) }))));
    source = () => ticks.source$;
    config = { backpressure: { maxBufferBytes: 50_000 } };
    // The client never reads beyond HTTP/2's flow-control window, so the server's buffer fills up.
    const session = connect(origin, { ca: tls!.cert, settings: { initialWindowSize: 65_535 } });
    session.on('error', () => undefined);
    const stream = session.request({ ':path': '/' });
    stream.on('error', () => undefined);
    stream.pause();
    await until(() => ticks.total() === 1 && ticks.active() === 0, 10_000);
    session.destroy();
  });

  it('refuses over a registry limit and shuts a stream down gracefully', async () => {
    const registry = createStreamRegistry({ maxStreams: 1, retryAfterMs: 1000 });
    source = () => NEVER;
    config = { registry };
    let first: Promise<{ headers: Record<string, unknown>; body: string }> | undefined;
    await new Promise<void>((opened) => (first = request(() => opened())));
    const refused = await request();
    expect(refused.headers[':status']).toBe(503);
    expect(['1', '2']).toContain(refused.headers['retry-after']);
    await registry.shutdown({ retryMs: 200, jitterMs: 0 });
    expect((await first!).body).toBe('retry: 200\n\n');
  });
});
