/** How much of an error body to keep, and how long to wait for it. */
const SNIPPET_LENGTH = 512;
const SNIPPET_TIMEOUT_MS = 1000;

/** The first characters of an error body, within a size and a time budget. */
export async function readSnippet(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, SNIPPET_TIMEOUT_MS);
  });
  try {
    while (text.length < SNIPPET_LENGTH) {
      const chunk = await Promise.race([reader.read(), timeUp]);
      if (!chunk || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } catch {
    // The snippet is a courtesy: a body that fails to read leaves what was read.
  } finally {
    clearTimeout(timer);
    reader.cancel().catch(() => undefined);
  }
  return text.slice(0, SNIPPET_LENGTH);
}
