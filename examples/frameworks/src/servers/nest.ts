import 'reflect-metadata';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Controller, Get, Module, Req, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { defer, startWith, switchMap } from 'rxjs';
import { sendEvents, STREAM_READY } from 'sse-rx-server';
import { listenTicks, ticks, type Running } from '../ticks.js';

/**
 * The auth check, asynchronous as a real one is (a token lookup): any `authorization` header
 * passes; without one it rejects with an error carrying `status: 401` and `expose: true` (so
 * its message is what the client is told).
 * @param req - the request.
 */
async function authorize(req: IncomingMessage): Promise<void> {
  if (!req.headers.authorization) throw Object.assign(new Error('no token'), { status: 401, expose: true });
}

/**
 * The tick stream from a NestJS controller (Nest 12 on Express): the route takes the raw request
 * and response with `@Req()` and `@Res()` and hands them to `sendEvents`, instead of returning an
 * Observable from an `@Sse()` route. The difference is the auth check: it settles
 * asynchronously, after Nest's `@Sse()` would already have sent `200`, yet `sendEvents` still
 * holds the head, so a request without an `authorization` header gets a real
 * `401` with the JSON body `{"status":401,"message":"no token"}` (`@Sse()` answers 200 and an
 * error event: nestjs/nest#12260).
 * @param port - the port, 0 for any free one.
 * @param periodMs - the time between two ticks.
 * @returns the URL and `close()`.
 */
export async function startNest(port = 0, periodMs = 1000): Promise<Running> {
  class TicksController {
    ticks(req: IncomingMessage, res: ServerResponse): void {
      // The check runs first; its rejection becomes the HTTP status, its success starts the ticks.
      const authorized$ = defer(() => authorize(req)).pipe(
        // Checks done: send the head now rather than with the first tick.
        switchMap(() => ticks('nest', periodMs).pipe(startWith(STREAM_READY))),
      );
      sendEvents(req, res, authorized$);
    }
  }
  // Nest's decorators applied as plain calls: no decorator transform, no type metadata needed.
  const route = Object.getOwnPropertyDescriptor(TicksController.prototype, 'ticks')!;
  Req()(TicksController.prototype, 'ticks', 0);
  Res()(TicksController.prototype, 'ticks', 1);
  Get('ticks')(TicksController.prototype, 'ticks', route);
  Controller()(TicksController);
  class TicksModule {}
  Module({ controllers: [TicksController] })(TicksModule);

  const app = await NestFactory.create(TicksModule, { logger: ['error', 'warn'] });
  await app.init();
  // Nest's own node:http server, listened on like the others (a taken port: one clear line).
  const listening = await listenTicks(app.getHttpServer() as Server, port).catch(async (error: unknown) => {
    await app.close();
    throw error;
  });
  return {
    url: listening.url,
    close: async () => {
      await listening.close();
      await app.close();
    },
  };
}
