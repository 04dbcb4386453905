import { envPort, runExample } from 'sse-rx-example-support';
import { STREAMS } from './page.js';
import { start } from './server.js';

// Serves the page over HTTP/2 on port 3000 (or $PORT) and over HTTP/1.1 on the next port, both
// with a self-signed certificate made at start, until Ctrl-C.
await runExample({
  start: async () => {
    const running = await start(envPort());
    console.log(`HTTP/2:   ${running.h2Url}  (${STREAMS} streams open at once, on one connection)`);
    console.log(`HTTP/1.1: ${running.h1Url}  (six open, the others wait)`);
    console.log('The certificate is self-signed: the browser warns once; proceed to 127.0.0.1.');
    return running;
  },
});
