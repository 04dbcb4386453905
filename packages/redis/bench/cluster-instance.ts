/**
 * One server instance of cluster.bench.ts, in its own process (forked, driven over IPC): node:http
 * on an ephemeral port of 127.0.0.1, every request answered by `sendEvents(req, res, ...)` from
 *   `redis`: `createStreamHub` over the shared stream (fed by the orchestrator's `publish` calls);
 *   `local`: `createMemoryStore` that this process appends to itself when told to publish.
 * Arguments: `redis <port> <stream>` or `local`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { createMemoryStore, readLastEventId, sendEvents } from 'sse-rx-server';
import { createStreamHub, type StreamHubState } from '../src/index.js';
import { eventData } from './eventData.js';

/** Orchestrator -> instance. */
export type InstanceCommand =
  | { type: 'status' }
  /** Local mode: publish seq `from` up to `to` (exclusive) now, stamped with the publisher's send time. */
  | { type: 'publish'; from: number; to: number; sentAt: number }
  | { type: 'exit' };

/** Instance -> orchestrator. */
export type InstanceReply =
  | { type: 'listening'; port: number }
  /** `cpuMs`: user + system CPU time this process has used so far. */
  | { type: 'status'; connections: number; hub: StreamHubState | 'local'; cpuMs: number };

const reply = (message: InstanceReply): void => void process.send?.(message);
const [mode, redisPort, stream] = process.argv.slice(2);

let streamFor: (lastEventId: string | undefined) => Observable<SseMessage>;
let publishLocal = (_data: string): void => undefined;
let hubState: StreamHubState | 'local' = 'local';
let close = (): void => undefined;
if (mode === 'redis') {
  const redis = new Redis({ host: '127.0.0.1', port: Number(redisPort) });
  const hub = createStreamHub({ redis, stream: stream! });
  hub.state$.subscribe((state) => (hubState = state));
  streamFor = (lastEventId) => hub.stream(lastEventId);
  close = () => redis.disconnect();
} else {
  const store = createMemoryStore({ maxEvents: 1000 });
  streamFor = (lastEventId) => store.stream(lastEventId);
  publishLocal = (data) => void store.append({ data });
}

let connections = 0;
const server = createServer((req, res) => {
  connections++;
  res.on('close', () => connections--);
  sendEvents(req, res, streamFor(readLastEventId(req)));
});
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  reply({ type: 'listening', port: (server.address() as AddressInfo).port });
});

process.on('message', (command: InstanceCommand) => {
  if (command.type === 'status') {
    const { user, system } = process.cpuUsage();
    reply({ type: 'status', connections, hub: hubState, cpuMs: (user + system) / 1000 });
  } else if (command.type === 'publish') {
    for (let seq = command.from; seq < command.to; seq++) publishLocal(eventData(seq, command.sentAt));
  } else {
    close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
