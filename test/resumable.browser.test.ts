import type { Socket } from 'node:net';
import { createResumableStreams } from 'sse-rx-server';
import { describe, expect, it } from 'vitest';
import { bundleClient } from '../examples/demo/src/bundle.js';
import { hasChromium, launchBrowser } from './support/browser.js';
import { startServer, waitFor } from './support/http.js';
import { type ProducerLog, resumableApp, tokens } from './support/resumableApp.js';

const TOKENS = 2_000;

/** What the page records in `window.answer`. */
interface PageAnswer {
  tokens: string[];
  resumes: number;
  done: boolean;
  error: string | undefined;
}
const readAnswer = () => (window as unknown as { answer: PageAnswer }).answer;

/** The page: loads the client bundle, then reads one answer with fromResumableSse into `window.answer`. */
const page = `<!doctype html><meta charset="utf-8"><title>resumable answer</title><script>
  window.answer = { tokens: [], resumes: 0, done: false, error: undefined };
  const s = document.createElement('script');
  s.src = '/client.js';
  s.onload = () => {
    sseRx.fromResumableSse('/answers', {
      body: '{"prompt":"count"}',
      resumeUrl: (id) => '/answers/' + id,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
      onState: (state) => { if (state.status === 'reconnecting') window.answer.resumes++; },
    }).subscribe({
      next: (e) => window.answer.tokens.push(e.data),
      error: (e) => (window.answer.error = String(e)),
      complete: () => (window.answer.done = true),
    });
  };
  document.head.append(s);
</script>`;

describe('a resumable answer in a real browser', () => {
  it.skipIf(!hasChromium)(
    'fromResumableSse in Chromium gets all 2,000 tokens once after the server drops its POST and its first resume mid-answer',
    async () => {
      const [browser, clientBundle] = await Promise.all([launchBrowser(), bundleClient()]);
      const log: ProducerLog = { started: [], stopped: [], posts: 0 };
      const app = resumableApp(createResumableStreams(), (id) => tokens(id, TOKENS, log), log);
      let streamRequests = 0;
      const dropped: string[] = [];
      const server = await startServer((req, res) => {
        if (req.url === '/client.js')
          return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(clientBundle);
        if (!req.url?.startsWith('/answers')) return void res.writeHead(200, { 'content-type': 'text/html' }).end(page);
        // The POST and the first GET lose their connection once some tokens went out.
        if (streamRequests++ < 2) {
          let written = 0;
          const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
          res.write = ((chunk: unknown, ...rest: unknown[]) => {
            written += String(chunk).length;
            if (written > 6_000 && !res.destroyed) {
              dropped.push(`${req.method} after ${written} bytes`);
              (req.socket as Socket).destroy();
              return false;
            }
            return write(chunk, ...rest);
          }) as typeof res.write;
        }
        app(req, res);
      });
      const tab = await browser.context.newPage();
      try {
        await tab.goto(server.url);
        await waitFor(
          async () => {
            const { done, error } = await tab.evaluate(readAnswer);
            return done || error !== undefined;
          },
          20_000,
          'the answer in the page',
        );
        const answer = await tab.evaluate(readAnswer);
        expect(answer.error).toBeUndefined();
        expect(answer.tokens).toEqual(Array.from({ length: TOKENS }, (_, n) => `t${n}`));
        expect(answer.resumes).toBe(2);
        expect(dropped.map((d) => d.split(' ')[0])).toEqual(['POST', 'GET']);
        expect(log.posts).toBe(1);
        expect(log.started).toHaveLength(1);
        expect(log.started[0]).toMatch(/^[0-9a-f]{32}$/);
      } finally {
        await tab.close();
        await server.close();
        await browser.close();
      }
    },
    40_000,
  );
});
