import { createServer } from 'node:http';
import express from 'express';
import { sendEvents } from 'sse-rx-server';
import { listenTicks, ticks, type Running } from '../ticks.js';

/**
 * The tick stream on Express 5: Express's `req` and `res` are Node's, so `sendEvents` takes them as is.
 * @param port - the port, 0 for any free one.
 * @param periodMs - the time between two ticks.
 * @returns the URL and `close()`.
 */
export function startExpress(port = 0, periodMs = 1000): Promise<Running> {
  const app = express();
  app.get('/ticks', (req, res) => {
    sendEvents(req, res, ticks('express', periodMs));
  });
  return listenTicks(createServer(app), port);
}
