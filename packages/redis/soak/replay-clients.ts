/**
 * The clients of `replay.soak.ts`, in their own process so the server's memory is the server's:
 * `CLIENTS` HTTP clients send `Last-Event-ID: 0-0`, read until they hold `EVENTS` events (or a
 * reset), reconnecting from their last id when the server closes them as too slow.
 * Run by replay.soak.ts: tsx --conditions=sse-rx-source soak/replay-clients.ts <port> <clients> <events>
 */
import { SseDecoder } from 'sse-rx-codec';

const [port, clients, events] = process.argv.slice(2).map(Number) as [number, number, number];

interface Outcome {
  events: number;
  resets: number;
  connections: number;
}

async function client(): Promise<Outcome> {
  const outcome: Outcome = { events: 0, resets: 0, connections: 0 };
  let lastEventId = '0-0';
  // Bounded: at most 1,000 connections per client.
  while (outcome.events < events && outcome.resets === 0 && outcome.connections < 1000) {
    outcome.connections++;
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/`, {
      headers: { 'last-event-id': lastEventId },
      signal: controller.signal,
    });
    const decoder = new SseDecoder({
      onEvent: (event) => {
        lastEventId = event.lastEventId;
        if (event.type === 'reset') outcome.resets++;
        else outcome.events++;
      },
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    try {
      while (outcome.events < events && outcome.resets === 0) {
        const { value, done } = await reader.read();
        if (done) break;
        decoder.feed(value);
      }
    } catch {
      // Closed by the server mid-read: reconnect.
    }
    controller.abort();
  }
  return outcome;
}

const outcomes = await Promise.all(Array.from({ length: clients }, client));
process.send?.({ type: 'done', outcomes });
