import { describe, expect, it } from 'vitest';
import { SseDecoderStream, SseEncoderStream, type SseEvent, type SseMessage, SseProtocolError } from '../src/index.js';
import { cutEvery, utf8 } from './helpers.js';

async function collect<T>(stream: ReadableStream<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream as unknown as AsyncIterable<T>) items.push(item);
  return items;
}

const streamOf = <T>(items: T[]) =>
  new ReadableStream<T>({
    start(controller) {
      for (const item of items) controller.enqueue(item);
      controller.close();
    },
  });

describe('SseDecoderStream', () => {
  it('turns a byte stream cut anywhere into events, dropping an unterminated tail', async () => {
    const bytes = utf8('id: 1\ndata: héllo\n\nevent: x\ndata: 2\n\ndata: tail');
    const events = await collect(streamOf(cutEvery(bytes, 3)).pipeThrough(new SseDecoderStream()));
    expect(events).toEqual<SseEvent[]>([
      { type: 'message', data: 'héllo', lastEventId: '1' },
      { type: 'x', data: '2', lastEventId: '1' },
    ]);
  });

  it('errors the stream with a typed error when an event goes past maxEventSize', async () => {
    const stream = streamOf([utf8('data: ' + 'x'.repeat(500) + '\n\n')]).pipeThrough(
      new SseDecoderStream({ maxEventSize: 100 }),
    );
    await expect(collect(stream)).rejects.toBeInstanceOf(SseProtocolError);
  });

  it('reports retry and comments through callbacks', async () => {
    const retries: number[] = [];
    const comments: string[] = [];
    await collect(
      streamOf(['retry: 30\n: ping\n\n']).pipeThrough(
        new SseDecoderStream({ onRetry: (ms) => retries.push(ms), onComment: (c) => comments.push(c) }),
      ),
    );
    expect({ retries, comments }).toEqual({ retries: [30], comments: ['ping'] });
  });
});

describe('SseEncoderStream', () => {
  it('writes each message as UTF-8 wire bytes', async () => {
    const messages: SseMessage[] = [{ data: 'a\nb' }, { event: 'e', id: '2', data: '😀' }];
    const chunks = await collect(streamOf(messages).pipeThrough(new SseEncoderStream()));
    expect(new TextDecoder().decode(Buffer.concat(chunks))).toBe('data: a\ndata: b\n\nevent: e\nid: 2\ndata: 😀\n\n');
  });

  it('errors the stream with the encoder TypeError for a bad message', async () => {
    const stream = streamOf<SseMessage>([{ id: 'a\nb' }]).pipeThrough(new SseEncoderStream());
    await expect(collect(stream)).rejects.toThrow(/id must not contain CR or LF/);
  });
});
