import type { SseMessage } from 'sse-rx-codec';

/** Events chosen to hit every part of the wire format a browser must agree on. */
export const tricky: SseMessage[] = [
  { retry: 300 },
  { id: '1', data: 'plain' },
  { id: '2', event: 'custom', data: 'line one\nline two\r\nline three' },
  { id: '3', data: 'emoji 😀 and CJK 日本語 and accents é' },
  { comment: 'a comment the browser must ignore' },
  { id: '4', event: 'json', data: '{\n  "a": 1,\n  "b": [true, null]\n}' },
  { id: '5', data: ' leading space kept' },
  { id: '6', data: '' },
];

export interface PageEvent {
  type: string;
  data: string;
  lastEventId: string;
}

/** What a spec-following client (a browser's EventSource) must see for `tricky`, by the spec. */
export const expected: PageEvent[] = [
  { type: 'message', data: 'plain', lastEventId: '1' },
  { type: 'custom', data: 'line one\nline two\nline three', lastEventId: '2' },
  { type: 'message', data: 'emoji 😀 and CJK 日本語 and accents é', lastEventId: '3' },
  { type: 'json', data: '{\n  "a": 1,\n  "b": [true, null]\n}', lastEventId: '4' },
  { type: 'message', data: ' leading space kept', lastEventId: '5' },
  { type: 'message', data: '', lastEventId: '6' },
];
