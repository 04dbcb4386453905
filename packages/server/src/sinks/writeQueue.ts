import { joinFrames, type TickBatched, writeAtTickEnd } from './tickBatch.js';

/**
 * What a sink does with a client that reads slower than the source emits.
 *
 * @example
 * ```ts
 * import { sendEvents } from 'sse-rx-server';
 * // Keep at most 256 KiB per slow client; past that, forget its oldest messages.
 * sendEvents(req, res, prices$, { backpressure: { maxBufferBytes: 262_144, policy: 'drop-oldest' } });
 * ```
 * @public
 */
export interface BackpressureConfig {
  /**
   * The most bytes of encoded messages held for one client while its connection is full. What
   * Node already accepted for the connection and still holds (`res.writableLength`: the response's
   * and its socket's buffers, or the HTTP/2 stream's) counts toward it, so the policy applies once
   * the process holds this much for the client. `sendEvents` stops handing messages to Node while
   * they and one more of the same size would go past the bound (Node's own `highWaterMark`, 64 KiB
   * from Node 22, may be larger) and hands on the rest as Node flushes, so Node holds more only
   * for a single message larger than that; behind compression middleware (which drops write
   * callbacks), and for `toReadableStream`/`toResponse`, what the connection takes before it says
   * "full" (Node's `highWaterMark`, or one message) goes through first. Bytes the kernel's socket
   * buffers took are outside the process and not counted.
   * The default holds 128 events of 1 KB for a client that stopped reading (on top of what the
   * kernel took): 1,000 stalled clients then held at most 120 MiB (RSS peak 304 MiB), where 1 MiB
   * held 1,000 MiB (RSS 1.5 GiB) and 256 KiB 249 MiB (RSS 472 MiB); 64 KiB saved little more RSS
   * (299 MiB). See RELIABILITY.md. For many clients, also cap all streams with the registry's `maxBufferedBytes`.
   * @default 131_072 (128 KiB)
   */
  maxBufferBytes?: number;
  /**
   * What happens when a message would go past `maxBufferBytes`:
   * `'close'` ends the connection (the client reconnects and can resume with `Last-Event-ID`),
   * `'drop-oldest'` discards the oldest waiting messages to make room,
   * `'drop-newest'` discards the new message.
   * @default 'close'
   */
  policy?: 'close' | 'drop-oldest' | 'drop-newest';
}

/** Where a {@link WriteQueue} writes: `write` returns false when the connection is full. */
export interface FrameTarget {
  /**
   * Writes the frame; false when full (`drain` follows). Calls `onFlushed` once it passed the frame
   * on, if `callsOnFlushed` (one call may cover several frames: Node's connection writes the frames
   * of a tick together).
   */
  write(frame: Uint8Array, onFlushed?: (error?: unknown) => void): boolean;
  /**
   * True when `write` calls `onFlushed` for every frame (Node's write callback). The queue then
   * also stops writing while what the target holds would leave no room under the bound for one
   * more frame, and writes on at each flush: Node's own high-water mark (64 KiB from Node 22, 16 KiB
   * before) can be above the bound, and Node says "full" only past it.
   */
  readonly callsOnFlushed?: boolean;
  /**
   * True when the target takes frames joined, as chunks (a Web stream: one read per chunk). The queue
   * then holds the frames that come while the target has room until the end of the tick and writes
   * them as one chunk, and writes what waited for a full target in chunks of at most 64 KiB (or the
   * bound, if smaller).
   */
  readonly joinsFrames?: boolean;
  /** Bytes the target accepted but still holds (Node's `writableLength`); they count toward the bound. */
  readonly writableLength?: number;
}

const DEFAULT_MAX_BUFFER_BYTES = 128 * 1024;
/** The most bytes of frames joined into one chunk for a target that {@link FrameTarget.joinsFrames}. */
const CHUNK_BYTES = 64 * 1024;
const EMPTY = new Uint8Array(0);

/**
 * The bounded queue of encoded frames in front of a connection that may be full, shared by both
 * sinks, applying the {@link BackpressureConfig} policy. A class, not closures: one is kept per open
 * stream, and its methods live once on the prototype.
 */
export class WriteQueue implements TickBatched {
  /** The bound in force, in bytes. */
  readonly maxBufferBytes: number;
  /** Frames discarded by a drop policy so far. */
  dropped = 0;
  /** Bytes waiting in the queue (not counting the target's `writableLength`). */
  bufferedBytes = 0;
  /** Frames handed to the target so far. */
  sentFrames = 0;
  /** Bytes handed to the target so far. */
  sentBytes = 0;
  /** The policy in force. */
  readonly policy: NonNullable<BackpressureConfig['policy']>;
  private readonly frames: Uint8Array[] = [];
  private head = 0;
  private full = false;
  // Bytes of the frame that opened this tick's chunk (the target had room for it), written at the end
  // of the tick with the frames that join it, never dropped; 0 when there is none.
  private opening = 0;
  private readonly chunkBytes: number;
  /** Bytes left the target: queued frames may fit now (a failed write means the connection is gone). */
  private readonly onFlushed = (error?: unknown): void => {
    if (error) return;
    if (!this.full) this.flush();
    this.owner?.flushed();
  };

  /**
   * @param target - where frames go.
   * @param config - the bound and the policy.
   * @param owner - its `flushed` runs each time the target reported a frame passed on and the
   *   queue wrote what then fitted (the pump ends a finished stream there once the queue is empty).
   */
  constructor(
    private readonly target: FrameTarget,
    config: BackpressureConfig = {},
    private readonly owner?: { flushed(): void },
  ) {
    this.maxBufferBytes = config.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES;
    this.policy = config.policy ?? 'close';
    this.chunkBytes = Math.min(CHUNK_BYTES, this.maxBufferBytes);
  }

  /** True when nothing waits in the queue. */
  get empty(): boolean {
    return this.frames.length === this.head;
  }

  /**
   * True when a frame pushed now goes on without waiting for the target to take more: nothing waits,
   * or the frames wait only for the end of the tick, to be joined, and fill at most half a chunk.
   */
  get ready(): boolean {
    return this.empty || (this.opening > 0 && 2 * this.bufferedBytes <= this.chunkBytes);
  }

  /** Bytes the process holds for this client: the queue's plus the target's `writableLength`. */
  get heldBytes(): number {
    return this.bufferedBytes + (this.target.writableLength ?? 0);
  }

  /** Writes the frame now, or queues it while the target is full. False: over the bound under `'close'`. */
  push(frame: Uint8Array): boolean {
    if (!this.full && this.empty && this.fits(frame)) {
      if (this.target.joinsFrames) this.open(frame);
      else this.write(frame);
      return true;
    }
    // Node's own buffer holds bytes of this client too: the room left is what the bound leaves over.
    const room = this.maxBufferBytes - (this.target.writableLength ?? 0);
    if (this.bufferedBytes + frame.byteLength > room) {
      if (this.policy === 'close') return false;
      if (this.policy === 'drop-newest' || frame.byteLength > room - this.opening) {
        this.dropped++;
        return true;
      }
      while (this.bufferedBytes + frame.byteLength > room) {
        this.dropOldest();
        this.dropped++;
      }
    }
    this.frames.push(frame);
    this.bufferedBytes += frame.byteLength;
    return true;
  }

  /** The target can take more: writes queued frames until it is full again. */
  drain(): void {
    this.full = false;
    this.flush();
  }

  /** The end of the tick: writes the frames that came while the target had room, joined. */
  writeBatch(): void {
    // A `drain` in the same tick may have written them already.
    if (this.opening === 0) return;
    this.flush();
    this.owner?.flushed();
  }

  // The target has room for the frame: it waits for the end of the tick, for the frames that join it.
  private open(frame: Uint8Array): void {
    this.opening = frame.byteLength;
    this.frames.push(frame);
    this.bufferedBytes += frame.byteLength;
    writeAtTickEnd(this);
  }

  // Discards the oldest waiting frame; the frame that opened the tick's chunk stays.
  private dropOldest(): void {
    const { frames, head } = this;
    if (this.opening > 0) {
      const opening = frames[head]!;
      frames[head] = frames[head + 1]!;
      frames[head + 1] = opening;
    }
    this.shift();
  }

  // Whether the target may take the frame now: under the bound, what the target holds plus this
  // frame leave room for one more of its size in the queue (the newest frame always has a place);
  // a target that holds nothing takes any frame.
  private fits(frame: Uint8Array): boolean {
    if (!this.target.callsOnFlushed) return true;
    const held = this.target.writableLength ?? 0;
    return held === 0 || held + 2 * frame.byteLength <= this.maxBufferBytes;
  }

  private write(frame: Uint8Array): void {
    this.sentFrames++;
    this.sentBytes += frame.byteLength;
    this.full = !this.target.write(frame, this.onFlushed);
  }

  private flush(): void {
    const { frames } = this;
    if (this.target.joinsFrames) while (!this.full && frames.length > this.head) this.writeChunk();
    else while (!this.full && frames.length > this.head && this.fits(frames[this.head]!)) this.write(this.shift());
    if (frames.length === this.head) frames.length = this.head = 0;
  }

  // Writes the oldest waiting frames joined, up to `chunkBytes` (at least one frame).
  private writeChunk(): void {
    const { frames } = this;
    this.opening = 0;
    const chunk = [this.shift()];
    let bytes = chunk[0]!.byteLength;
    while (frames.length > this.head && bytes + frames[this.head]!.byteLength <= this.chunkBytes) {
      const frame = this.shift();
      chunk.push(frame);
      bytes += frame.byteLength;
    }
    this.sentFrames += chunk.length;
    this.sentBytes += bytes;
    this.full = !this.target.write(joinFrames(chunk, bytes));
  }

  private shift(): Uint8Array {
    const { frames } = this;
    const frame = frames[this.head]!;
    frames[this.head++] = EMPTY;
    this.bufferedBytes -= frame.byteLength;
    // Compact now and then so a long-lived queue does not keep a growing array of holes.
    if (this.head > 1024 && this.head * 2 > frames.length) {
      frames.splice(0, this.head);
      this.head = 0;
    }
    return frame;
  }
}
