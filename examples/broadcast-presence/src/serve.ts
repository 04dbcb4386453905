import { start } from './server.js';

// Runs the server alone until SIGTERM/SIGINT, printing `listening <url>` once ready (for curl).
const server = await start(Number(process.env.PORT ?? 3000));
console.log(`listening ${server.url}`);
const stop = () => void server.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
