import { firstTicks } from './client.js';
import { start } from './server.js';

// Starts the four servers on ports 3000-3003 (or from $PORT), reads three ticks from each, stops.
const running = await start(Number(process.env.PORT ?? 3000));
try {
  for (const [name, url] of Object.entries(running.urls)) {
    const ticks = await firstTicks(url, 3);
    console.log(`${name.padEnd(8)} ${url}  ${ticks.map((t) => `#${t.id} ${t.by}`).join(', ')}`);
  }
} finally {
  await running.close();
}
