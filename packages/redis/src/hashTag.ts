/**
 * The hash tag of `key`, the part Redis Cluster hashes instead of the whole key: what stands
 * between its first `{` and the next `}`, if that is not empty; else `undefined`.
 */
export function hashTag(key: string): string | undefined {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : undefined;
}
