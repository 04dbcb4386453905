import { printTimes } from './client.js';
import { start } from './server.js';

// Starts the server on port 3000 (or $PORT), prints ten times through the client, then stops.
const server = await start(Number(process.env.PORT ?? 3000));
console.log(`clock streaming at ${server.url} (try: curl -N ${server.url})`);
try {
  await printTimes(server.url, 10);
} finally {
  await server.close();
}
