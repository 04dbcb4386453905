import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../src/sinks/encodeFrame.js';

describe('encodeFrame', () => {
  it('encodes a message to its UTF-8 wire bytes', () => {
    expect(new TextDecoder().decode(encodeFrame({ id: '1', data: 'é\nx' }))).toBe('id: 1\ndata: é\ndata: x\n\n');
  });

  it('encodes the same message object once, however many clients it goes to', () => {
    const message = { data: 'broadcast' };
    expect(encodeFrame(message)).toBe(encodeFrame(message));
    expect(encodeFrame({ data: 'broadcast' })).not.toBe(encodeFrame(message));
  });

  it('throws the codec TypeError for a malformed message, every time', () => {
    const bad = { id: 'a\nb' };
    expect(() => encodeFrame(bad)).toThrow(TypeError);
    expect(() => encodeFrame(bad)).toThrow(/id must not contain CR or LF/);
  });
});
