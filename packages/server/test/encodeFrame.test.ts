import { Subject } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore, sendEvents } from '../src/index.js';
import { encodeFrame } from '../src/sinks/encodeFrame.js';
import { counted, decode, listen, type TestServer, until } from './helpers.js';

const text = (frame: Uint8Array) => new TextDecoder().decode(frame);

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('encodeFrame', () => {
  it('encodes a message to its UTF-8 wire bytes', () => {
    expect(text(encodeFrame({ id: '1', data: 'é\nx' }))).toBe('id: 1\ndata: é\ndata: x\n\n');
  });

  it('encodes a frozen message once, however many clients it goes to', () => {
    const message = Object.freeze({ data: 'broadcast' });
    expect(encodeFrame(message)).toBe(encodeFrame(message));
    expect(encodeFrame({ data: 'broadcast' })).not.toBe(encodeFrame(message));
  });

  it('encodes a message object that was changed since it was last encoded with its new fields', () => {
    const message: SseMessage = { data: '100' };
    const frames = ['100', '101', '102'].map((data) => {
      message.data = data;
      return text(encodeFrame(message));
    });
    expect(frames).toEqual(['data: 100\n\n', 'data: 101\n\n', 'data: 102\n\n']);
  });

  it('encodes what a store appended once for all its clients', async () => {
    const store = createMemoryStore();
    const seen: SseMessage[] = [];
    store.stream().subscribe((message) => seen.push(message));
    store.stream().subscribe((message) => seen.push(message));
    await store.append({ data: 'once' });
    expect(seen[0]).toBe(seen[1]);
    expect(encodeFrame(seen[0]!)).toBe(encodeFrame(seen[1]!));
  });

  it('throws the codec TypeError for a malformed message, every time', () => {
    const bad = { id: 'a\nb' };
    expect(() => encodeFrame(bad)).toThrow(TypeError);
    expect(() => encodeFrame(bad)).toThrow(/id must not contain CR or LF/);
  });

  it('sends a message object mutated and sent again with its new payload over a real connection', async () => {
    const source = new Subject<SseMessage>();
    const streams = counted(source.asObservable());
    server = await listen((req, res) => void sendEvents(req, res, streams.source$));
    const body = fetch(server.url).then((response) => response.text());
    await until(() => streams.active() === 1);
    const message: SseMessage = { data: '' };
    for (const data of ['100', '101', '102']) {
      message.data = data;
      source.next(message);
    }
    source.complete();
    expect(decode(await body).events.map((event) => event.data)).toEqual(['100', '101', '102']);
  });
});
