import { Redis } from 'ioredis';
import { createStreamHub, parseLastEventId, type StreamHub } from 'sse-rx-redis';
import { sendEvents } from 'sse-rx-server';
import { startServer, type TestServer } from './http.js';

/** One app instance of a scaled-out deployment: its own Redis connection, hub and HTTP port. */
export interface RedisInstance {
  http: TestServer;
  redis: Redis;
  hub: StreamHub;
  /** Shuts the instance down: every open stream is destroyed, the Redis connection closed. */
  stop(): Promise<void>;
}

/** Starts an instance serving `stream` from the Redis on `redisPort` with sse-rx-server's sink, unchanged. */
export async function startRedisInstance(redisPort: number, stream: string): Promise<RedisInstance> {
  const redis = new Redis({ host: '127.0.0.1', port: redisPort });
  // ioredis reconnects by itself; without a listener it also prints every failed attempt.
  redis.on('error', () => undefined);
  const hub = createStreamHub({ redis, stream });
  const http = await startServer((req, res) => {
    let lastEventId: string | undefined;
    try {
      lastEventId = parseLastEventId(req.headers['last-event-id'] as string | undefined);
    } catch (error) {
      res.writeHead(400).end(String(error));
      return;
    }
    sendEvents(req, res, hub.stream(lastEventId));
  });
  return {
    http,
    redis,
    hub,
    async stop() {
      await http.close();
      redis.disconnect();
    },
  };
}
