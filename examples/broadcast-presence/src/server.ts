import { createServer } from 'node:http';
import express from 'express';
import { listen } from 'sse-rx-example-support';
import { heartbeat, sendEvents } from 'sse-rx-server';
import { Room } from './state.js';

/** A running example server. */
export interface Running {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the Express 5 app: `GET /events` streams a {@link Room}'s events, `POST /persons` with
 * `{ name }` adds a person, `GET /persons` returns the list.
 * @param port - the port to listen on, 0 for any free one.
 * @returns the URL and a `close()` function.
 */
export async function start(port = 0): Promise<Running> {
  const room = new Room();
  const app = express();
  app.use(express.json({ limit: '16kb' }));
  app.get('/events', (req, res) => {
    sendEvents(req, res, room.connect().pipe(heartbeat(15_000)));
  });
  app.get('/persons', (_req, res) => {
    res.json(room.persons$.value);
  });
  app.post('/persons', (req, res) => {
    const name: unknown = req.body?.name;
    if (typeof name !== 'string' || name === '') {
      res.status(400).json({ error: 'expected { "name": string }' });
      return;
    }
    res.status(201).json(room.add({ name: name.slice(0, 100) }));
  });
  const server = createServer(app);
  return listen(server, port);
}
