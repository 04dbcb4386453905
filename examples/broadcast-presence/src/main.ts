import { addPerson, watch } from './client.js';
import { start } from './server.js';

// Starts the app on port 3000 (or $PORT), connects two watchers, adds a person, lets one watcher
// leave, prints what the first one sees, then stops.
const server = await start(Number(process.env.PORT ?? 3000));
console.log(
  `room at ${server.url}events (add: curl -d '{"name":"Ada"}' -H 'content-type: application/json' ${server.url}persons)`,
);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const first = watch(server.url).subscribe((e) => console.log(`[first] ${e.type}: ${JSON.stringify(e.data)}`));
await sleep(200);
const second = watch(server.url).subscribe();
await sleep(200);
await addPerson(server.url, 'Ada');
await sleep(200);
second.unsubscribe();
await sleep(200);
first.unsubscribe();
await server.close();
