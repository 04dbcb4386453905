import { start } from './server.js';

// Runs the four servers until SIGTERM/SIGINT, printing their URLs as one JSON line once ready.
const running = await start(Number(process.env.PORT ?? 3000), Number(process.env.TICK_MS ?? 1000));
console.log(JSON.stringify(running.urls));
const stop = () => void running.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
