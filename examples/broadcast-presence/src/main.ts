import { envPort, runExample } from 'sse-rx-example-support';
import { addPerson, watch } from './client.js';
import { start } from './server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Starts the app on port 3000 (or $PORT), connects two watchers, adds a person, lets one watcher
// leave, prints what the first one sees, then serves until Ctrl-C.
await runExample({
  start: async () => {
    const server = await start(envPort());
    console.log(`room at ${server.url}events`);
    console.log(`add: curl -d '{"name":"Ada"}' -H 'content-type: application/json' ${server.url}persons`);
    return server;
  },
  tour: async (server) => {
    const first = watch(server.url).subscribe((e) => console.log(`[first] ${e.type}: ${JSON.stringify(e.data)}`));
    await sleep(200);
    const second = watch(server.url).subscribe();
    await sleep(200);
    await addPerson(server.url, 'Ada');
    await sleep(200);
    second.unsubscribe();
    await sleep(200);
    first.unsubscribe();
  },
});
