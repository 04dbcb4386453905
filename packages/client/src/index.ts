export { type ConnectSseConfig, connectSse, type SseConnection } from './connectSse.js';
export { isSseError, SseError, type SseEvent, SseProtocolError, type SseProtocolErrorType } from 'sse-rx-codec';
export {
  isSseHttpError,
  isSseNetworkError,
  isSseParseError,
  isSseServerError,
  isSseValidationError,
  SseConnectionError,
  SseHttpError,
  SseNetworkError,
  SseParseError,
  SseServerError,
  type SseServerErrorReport,
  SseStallError,
  SseStreamEndedError,
  SseValidationError,
  type SseResumeState,
} from './errors.js';
export { fromEventSource, type FromEventSourceConfig } from './fromEventSource.js';
export { fromSse, type FromSseConfig, type SseConnectionState } from './fromSse.js';
export type { OnInvalidPayload } from './operators/invalidPayload.js';
export { ofType, type OfType } from './operators/ofType.js';
export { type ParseJson, parseJson, type ParseJsonConfig } from './operators/parseJson.js';
export { retryBackoff, type RetryBackoffConfig, type RetryContext } from './operators/retryBackoff.js';
export { validate, type ValidateConfig } from './operators/validate.js';
export { backOnline } from './signals/backOnline.js';
export type { EventTargetLike } from './signals/listen.js';
export { networkOffline, type NetworkTarget } from './signals/networkOffline.js';
export { pageHidden, type VisibilityTarget } from './signals/pageHidden.js';
export type { StandardSchemaV1 } from './standardSchema.js';
export type { ParsedOf, ParsedSseEvent, RawSseEvent, SseActivity, SseEventOf, SseInit, SseReset } from './types.js';
