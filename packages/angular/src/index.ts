export { httpClientFetch } from './httpClientFetch.js';
export { provideSseRx, SSE_RX_CONFIG, type SseRxConfig } from './provideSseRx.js';
export {
  type SseResourceConfig,
  type SseResourceRef,
  type SseResourceSource,
  type SseResourceStatus,
  sseResource,
} from './sseResource.js';
export { SSE_RX_REQUEST, type SseRxRequestContext, sseRxInterceptor } from './sseRxInterceptor.js';
