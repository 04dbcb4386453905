import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fromResumableSse, isSseHttpError, isSseServerError, type SseConnectionState } from '../src/index.js';
import { openStream, startServer } from './server.js';

const fast = { initialDelayMs: 10, maxDelayMs: 50 };

describe('fromResumableSse', () => {
  it('starts with one POST carrying the stream id, resumes with GETs from the last id, and completes on event: end', async () => {
    const server = await startServer((_req, res, index) => {
      openStream(res);
      // The start request breaks after two events; the first resume ends early; the second ends the stream.
      if (index === 0) res.end('id: 1\nevent: token\ndata: a\n\nid: 2\nevent: token\ndata: b\n\n');
      else if (index === 1) res.end('id: 3\nevent: token\ndata: c\n\n');
      else res.end('id: 4\nevent: token\ndata: d\n\nid: 5\nevent: end\ndata: {}\n\n');
    });
    const states: SseConnectionState['status'][] = [];
    try {
      const events = await lastValueFrom(
        fromResumableSse(`${server.url}answers`, {
          body: '{"prompt":"hi"}',
          headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
          init: () => ({ method: 'PUT', body: 'from init', headers: { 'x-fresh': '1' } }),
          streamId: 'abc',
          resumeUrl: (id) => `${server.url}answers/${id}`,
          reconnect: fast,
          onState: (state) => states.push(state.status),
        }).pipe(toArray()),
      );
      expect(events.map((e) => e.data)).toEqual(['a', 'b', 'c', 'd']);
      const seen = server.requests.map((r) => ({
        method: r.method,
        url: r.url,
        id: r.headers['sse-rx-stream-id'],
        last: r.headers['last-event-id'],
        auth: r.headers.authorization,
        fresh: r.headers['x-fresh'],
        body: r.body,
      }));
      expect(seen).toEqual([
        { method: 'PUT', url: '/answers', id: 'abc', last: undefined, auth: 'Bearer t', fresh: '1', body: 'from init' },
        { method: 'GET', url: '/answers/abc', id: 'abc', last: '2', auth: 'Bearer t', fresh: '1', body: '' },
        { method: 'GET', url: '/answers/abc', id: 'abc', last: '3', auth: 'Bearer t', fresh: '1', body: '' },
      ]);
      expect(states).toEqual([
        'connecting',
        'open',
        'reconnecting',
        'connecting',
        'open',
        'reconnecting',
        'connecting',
        'open',
        'closed',
      ]);
    } finally {
      await server.close();
    }
  });

  it('gives each subscription a fresh random stream id and a POST by default', async () => {
    const server = await startServer((_req, res) => {
      openStream(res);
      res.end('id: 1\nevent: end\ndata: {}\n\n');
    });
    try {
      const answer$ = fromResumableSse(`${server.url}answers`, { resumeUrl: (id) => `${server.url}answers/${id}` });
      await lastValueFrom(answer$, { defaultValue: undefined });
      await lastValueFrom(answer$, { defaultValue: undefined });
      const ids = server.requests.map((r) => r.headers['sse-rx-stream-id']);
      expect(server.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
      expect(ids[0]).toMatch(/^[0-9a-f]{32}$/);
      expect(ids[1]).not.toBe(ids[0]);
    } finally {
      await server.close();
    }
  });

  it('fails at once, without a resume, when the start request is answered with an HTTP error', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":503,"message":"Service unavailable"}');
    });
    try {
      const error = await lastValueFrom(
        fromResumableSse(`${server.url}answers`, { resumeUrl: (id) => `${server.url}answers/${id}`, reconnect: fast }),
      ).catch((e: unknown) => e);
      expect(isSseHttpError(error) && error.status).toBe(503);
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('fails with the 404 of a resume (the stream is unknown) and with the terminal event: error', async () => {
    const server = await startServer((req, res, index) => {
      if (req.url?.startsWith('/gone')) {
        if (index === 0 || req.method === 'POST') return void req.socket.destroy();
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"status":404}');
        return;
      }
      openStream(res);
      res.end(
        'id: 1\ndata: a\n\nid: 2\nevent: error\ndata: {"code":"cancelled","message":"The stream was cancelled.","retryable":false}\n\n',
      );
    });
    try {
      const gone = await lastValueFrom(
        fromResumableSse(`${server.url}gone`, { resumeUrl: (id) => `${server.url}gone/${id}`, reconnect: fast }),
      ).catch((e: unknown) => e);
      expect(isSseHttpError(gone) && gone.status).toBe(404);
      expect(server.requests.map((r) => r.method)).toEqual(['POST', 'GET']);
      const cancelled = await lastValueFrom(
        fromResumableSse(`${server.url}answers`, { resumeUrl: (id) => `${server.url}answers/${id}`, reconnect: fast }),
      ).catch((e: unknown) => e);
      expect(isSseServerError(cancelled) && cancelled.code).toBe('cancelled');
      expect(server.requests).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  it('refuses a config without resumeUrl with a TypeError that shows one', () => {
    expect(() => fromResumableSse('http://127.0.0.1/answers', {} as never)).toThrow(/resumeUrl must be a function/);
  });
});
