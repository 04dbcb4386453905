import { SseDecoder } from 'sse-rx-codec';

/**
 * Reads an event stream's bytes until `count` events arrived (or it ended), then cancels it, and
 * returns each event's data as the integer it starts with: for replays checked number by number.
 */
export async function readNumbers(reader: ReadableStreamDefaultReader<Uint8Array>, count: number): Promise<number[]> {
  const numbers: number[] = [];
  const decoder = new SseDecoder({ onEvent: (event) => numbers.push(Number.parseInt(event.data, 10)) });
  for (let reads = 0; numbers.length < count && reads < 100_000; reads++) {
    const { value, done } = await reader.read();
    if (done) break;
    decoder.feed(value);
  }
  await reader.cancel();
  return numbers;
}
