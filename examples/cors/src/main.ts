import { start } from './server.js';

// Starts the page on port 3000 (or $PORT) and the stream on the next port; open the page in a
// browser. Ctrl-C to stop.
const running = await start(Number(process.env.PORT ?? 3000));
console.log(`page (origin A):   ${running.url}`);
console.log(`stream (origin B): ${running.streamUrl}`);
console.log(`refused: curl -i -H 'origin: http://evil.example' ${running.streamUrl}`);
process.once('SIGINT', () => void running.close());
