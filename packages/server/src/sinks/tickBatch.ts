/** Something that holds frames until the end of the tick and then writes them (a Node connection, a Web stream's queue). */
export interface TickBatched {
  /** Writes the frames it holds; called once per tick it asked for with {@link writeAtTickEnd}. */
  writeBatch(): void;
}

let waiting: TickBatched[] = [];
// The end of the tick: Node's (and Bun's, Deno's) `process.nextTick`, else (a Worker, a browser) the microtask queue.
const nodeProcess = (globalThis as { process?: { nextTick?: (callback: () => void) => void } }).process;
const atTickEnd: (callback: () => void) => void =
  typeof nodeProcess?.nextTick === 'function' ? nodeProcess.nextTick.bind(nodeProcess) : queueMicrotask;

function writeAll(): void {
  const batches = waiting;
  waiting = [];
  for (const batch of batches) batch.writeBatch();
}

/**
 * Has `batch.writeBatch()` called at the end of this tick (`process.nextTick`, or a microtask where
 * there is no `process`), together with every
 * other batch of the tick: a broadcast of 10 messages to 1,000 clients in one tick then makes
 * 1,000 writes, not 10,000. Call it once per tick per batch (when its first frame comes).
 *
 * @example
 * ```ts
 * if (this.frames.push(frame) === 1) writeAtTickEnd(this);
 * ```
 */
export function writeAtTickEnd(batch: TickBatched): void {
  if (waiting.push(batch) === 1) atTickEnd(writeAll);
}

// The frames joined last and their join: a broadcast hands every client the same frames in a
// tick, and they all get the one join (no allocation per client; Node does not change what it writes).
let lastFrames: readonly Uint8Array[] = [];
let lastJoined = new Uint8Array(0);

/**
 * The frames as one byte array (the first frame itself when it is the only one). The same frames
 * in the same order as the call before give the same array again.
 *
 * @example
 * ```ts
 * joinFrames([new Uint8Array([1]), new Uint8Array([2, 3])], 3); // Uint8Array [1, 2, 3]
 * ```
 */
export function joinFrames(frames: readonly Uint8Array[], byteLength: number): Uint8Array {
  if (frames.length === 1) return frames[0]!;
  if (sameFrames(frames, lastFrames)) return lastJoined;
  const joined = new Uint8Array(byteLength);
  let offset = 0;
  for (const frame of frames) {
    joined.set(frame, offset);
    offset += frame.byteLength;
  }
  lastFrames = frames;
  lastJoined = joined;
  return joined;
}

function sameFrames(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
