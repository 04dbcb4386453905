export type { SseMessage } from 'sse-rx-codec';
export type { EventStore, ResetData, ResetReason } from 'sse-rx-server';
export { createRedisStore, type RedisStore, type RedisStoreConfig, type RedisStoreState } from './createRedisStore.js';
export type { RedisClient } from './redisClient.js';
export { siblingKey } from './siblingKey.js';
