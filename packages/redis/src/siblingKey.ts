import { hashTag } from './hashTag.js';

/**
 * A key for data that belongs with the stream `stream` (its bookkeeping: a status, a lock, a
 * cancel flag), in the same Redis Cluster hash slot, so one script or `MULTI` may touch both and a
 * slot move or a failover takes them along together. The stream's own hash tag is kept; a stream
 * without one gets its whole name as the tag, which hashes exactly as the bare name does.
 *
 * @example
 * ```ts
 * import { siblingKey } from 'sse-rx-redis';
 * siblingKey('news', 'status'); // '{news}:status' (same slot as 'news')
 * siblingKey('{tenant-7}:news', 'status'); // '{tenant-7}:news:status' (same slot as '{tenant-7}:news')
 * ```
 * @param stream - The stream's key, as given to `createRedisStore`.
 * @param name - What the key holds; appended after a `:`.
 * @returns A key in the slot of `stream`.
 * @throws TypeError for an empty `stream`, or one holding a `}` but no hash tag (`{…}` with
 * something inside): no other key is sure to share its slot; give the stream a tag (`{news}`).
 * @public
 */
export function siblingKey(stream: string, name: string): string {
  if (hashTag(stream) !== undefined) return `${stream}:${name}`;
  if (stream === '' || stream.includes('}')) {
    throw new TypeError(
      `No key can share the cluster slot of the stream ${JSON.stringify(stream)}: name it with a hash tag, e.g. "{${stream.replace(/[{}]/g, '') || 'news'}}".`,
    );
  }
  return `{${stream}}:${name}`;
}
