import { defer } from 'rxjs';
import { hashTag } from './hashTag.js';
import { type LiveStream, sharedReadLoop, type SharedReadLoopConfig } from './sharedReadLoop.js';

/** What {@link sharedReads} needs: a loop's config but its wake stream, which it names itself. */
export type SharedReadsConfig = Omit<SharedReadLoopConfig, 'wakeKey' | 'onIdle'> & {
  /** Where the wake streams' names start (after a hash tag on a Cluster). */
  prefix: string;
};

/**
 * The live entries of any number of streams, read by as few `XREAD BLOCK` loops as Redis allows
 * (see {@link sharedReadLoop}): one for all of them on a single Redis; on a Cluster, where one
 * command only reads keys of one slot, one per hash tag (streams `{tenant-7}:a` and
 * `{tenant-7}:b` share one; `a{1}` and `a{2}` do not). A loop runs while one of its streams is
 * followed. Each loop's wake stream is `[{<tag>}]<prefix>wake:<random id>`.
 */
export function sharedReads(config: SharedReadsConfig): { follow(stream: string): LiveStream } {
  const { prefix, redis, ...tuning } = config;
  const instance = crypto.randomUUID();
  const loops = new Map<string, ReturnType<typeof sharedReadLoop>>();
  const groupOf = (stream: string): string => (redis.isCluster ? `{${hashTag(stream) ?? stream}}` : '');
  const loopOf = (stream: string): ReturnType<typeof sharedReadLoop> => {
    const group = groupOf(stream);
    const loop = loops.get(group);
    if (loop) return loop;
    const wakeKey = `${group}${prefix}wake:${instance}`;
    const started = sharedReadLoop({ ...tuning, redis, wakeKey, onIdle: () => loops.delete(group) });
    loops.set(group, started);
    return started;
  };
  return {
    // Looked up when subscribed: a loop that went idle is gone, the next subscription starts another.
    follow: (stream) => ({
      live$: defer(() => loopOf(stream).follow(stream).live$),
      ready$: defer(() => loopOf(stream).follow(stream).ready$),
    }),
  };
}
