/** How many frames (events and comments) the view keeps. */
const MAX_FRAMES = 7;

/**
 * Shows the exact text a client read: the status line and headers of each response, then the last
 * frames, each line ending in a visible ↵.
 * @param pre - where to show it.
 * @returns a `fetch` for sse-rx-client that passes everything through and copies what it reads here.
 */
export function createWireView(pre: HTMLElement): typeof fetch {
  const frames: string[] = [];
  let partial = '';

  const render = () => {
    pre.replaceChildren(
      ...frames.flatMap((frame) => {
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
    frames.push(frame);
    if (frames.length > MAX_FRAMES) frames.shift();
    render();
  };

  return async (input, init) => {
    const response = await fetch(input, init);
    const contentType = response.headers.get('content-type') ?? '';
    const retryAfter = response.headers.get('retry-after');
    push(`HTTP ${response.status} content-type: ${contentType}${retryAfter ? `  retry-after: ${retryAfter}` : ''}`);
    if (!response.body) return response;
    const decoder = new TextDecoder();
    partial = '';
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
