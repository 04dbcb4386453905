export { createStreamRegistry, type StreamRegistryConfig } from './createStreamRegistry.js';
export { SseInvalidMessageError, SseResumableError, SseShutdownError, SseSlowClientError } from './errors.js';
export { sseHeaders } from './headers.js';
export type { SseNodeHeaders, SseNodeRequest, SseNodeResponse, SseNodeSocket } from './nodeTypes.js';
export { asMessage, type AsMessageConfig } from './operators/asMessage.js';
export { heartbeat, type HeartbeatConfig } from './operators/heartbeat.js';
export { retryHint } from './operators/retryHint.js';
export { withIds, type WithIdsConfig } from './operators/withIds.js';
export {
  createMemoryResumableStore,
  type MemoryResumableStoreConfig,
} from './resumable/createMemoryResumableStore.js';
export {
  createResumableStreams,
  type ResumableStreams,
  type ResumableStreamsConfig,
} from './resumable/createResumableStreams.js';
export type { FoundStream, ResumableLimits, ResumableStore } from './resumable/resumableStore.js';
export { readLastEventId, type ReadLastEventIdConfig, type SseRequest } from './readLastEventId.js';
export type { SseErrorInfo } from './sinks/errorBody.js';
export type { SseSinkConfig } from './sinks/pump.js';
export type { SseResponseConfig } from './sinks/responseConfig.js';
export { sendEvents, type SendEventsConfig } from './sinks/sendEvents.js';
export { toReadableStream } from './sinks/toReadableStream.js';
export { type SseWebHeaders, toResponse, type ToResponseConfig } from './sinks/toResponse.js';
export type { BackpressureConfig } from './sinks/writeQueue.js';
export { createMemoryStore, type MemoryStoreConfig } from './stores/createMemoryStore.js';
export type { EventStore, ResetData, ResetReason } from './stores/eventStore.js';
export { resetMessage } from './stores/resetMessage.js';
export { clientDemand, clientMeter, type SseDemand, type SseStoreMeter } from './demand.js';
export { STREAM_READY } from './streamReady.js';
export type {
  HistogramSnapshot,
  ShutdownConfig,
  StreamMetrics,
  StreamRegistry,
  StreamSnapshot,
} from './streamRegistryTypes.js';
export { isSseError, SseError, type SseMessage } from 'sse-rx-codec';
export { prometheusFetchHandler, prometheusHandler } from './metrics/prometheusHandler.js';
