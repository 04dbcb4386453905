/**
 * Redis errors that a node answers while the cluster moves under it: a slot moving (`MOVED`, `ASK`,
 * `TRYAGAIN`), a failover in progress (`CLUSTERDOWN`, `MASTERDOWN`, `READONLY` from a demoted
 * primary) or a node starting (`LOADING`).
 */
const PASSING_REPLIES = new Set(['MOVED', 'ASK', 'TRYAGAIN', 'CLUSTERDOWN', 'MASTERDOWN', 'READONLY', 'LOADING']);

/**
 * True when the read loop should open a new connection and read on after `error` rather than end
 * every client's stream: anything but an error reply of Redis (a connection closed, ioredis's "Too
 * many Cluster redirections" after a failover outlasting its retries, a cluster it could not reach)
 * and the error replies a cluster gives while it moves. An error reply such as `WRONGTYPE` (the key
 * holds no stream) or `NOPERM` stays an error: reading again would fail again.
 */
export function isPassing(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'ReplyError') return true;
  return PASSING_REPLIES.has(error.message.split(' ', 1)[0] as string);
}
