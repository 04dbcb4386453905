export { createStreamHub, type StreamHub, type StreamHubOptions, type StreamHubState } from './createStreamHub.js';
export { SseResumeError, type SseResumeErrorType } from './errors.js';
export { parseLastEventId } from './parseLastEventId.js';
export { publish, type PublishOptions } from './publish.js';
export { publishTo } from './publishTo.js';
