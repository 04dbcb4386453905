/** How many events the view keeps after the opening of the response. */
const MAX_FRAMES = 3;
/** A frame that carries an event (the others are comments and `retry:` hints). */
const EVENT = /^(data|event)/m;

/**
 * Shows the exact text a client read: the status line and headers of the latest response and the
 * frames it opened with (`retry:`, comments), then its last events, each line ending in a visible ↵.
 * @param pre - where to show it.
 * @returns a `fetch` for sse-rx-client that passes everything through and copies what it reads here.
 */
export function createWireView(pre: HTMLElement): typeof fetch {
  let opening: string[] = [];
  let frames: string[] = [];

  const render = () => {
    const skipped = document.createElement('div');
    skipped.className = 'eol';
    skipped.textContent = '…';
    pre.replaceChildren(
      ...[...opening, ...(frames.length > 0 ? ['…'] : []), ...frames].flatMap((frame) => {
        if (frame === '…') return [skipped];
        const lines = frame.split('\n');
        const framed = frame.endsWith('\n');
        if (framed) lines.pop();
        return lines.map((line) => {
          const row = document.createElement('div');
          if (line.startsWith('HTTP ')) row.className = 'head';
          else if (line.startsWith(':')) row.className = 'comment';
          const field = /^(data|id|event|retry):/.exec(line);
          if (field) {
            const name = document.createElement('span');
            name.className = 'field';
            name.textContent = field[0];
            row.append(name, line.slice(field[0].length));
          } else row.append(line);
          if (framed) row.append(eol());
          return row;
        });
      }),
    );
  };
  const push = (frame: string) => {
    if (frames.length === 0 && !EVENT.test(frame)) opening.push(frame);
    else frames = [...frames, frame].slice(-MAX_FRAMES);
    render();
  };

  return async (input, init) => {
    const response = await fetch(input, init);
    const contentType = response.headers.get('content-type') ?? '';
    const retryAfter = response.headers.get('retry-after');
    opening = [];
    frames = [];
    push(`HTTP ${response.status} content-type: ${contentType}${retryAfter ? `  retry-after: ${retryAfter}` : ''}`);
    if (!response.body) return response;
    const decoder = new TextDecoder();
    let partial = '';
    const tap = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        partial += decoder.decode(chunk, { stream: true });
        // A frame ends with a blank line; keep what follows the last one for the next chunk.
        let end = partial.indexOf('\n\n');
        while (end >= 0) {
          push(partial.slice(0, end + 2));
          partial = partial.slice(end + 2);
          end = partial.indexOf('\n\n');
        }
        if (!contentType.startsWith('text/event-stream') && partial) push(partial), (partial = '');
        controller.enqueue(chunk);
      },
    });
    const { status, statusText, headers } = response;
    return new Response(response.body.pipeThrough(tap), { status, statusText, headers });
  };
}

function eol(): HTMLElement {
  const mark = document.createElement('span');
  mark.className = 'eol';
  mark.textContent = '↵';
  return mark;
}
