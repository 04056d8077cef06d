import type { IncomingMessage, ServerResponse } from 'node:http';

import { SettingsError } from '../settings-reader.ts';
import type { Simulator } from '../simulator.ts';
import { sendJson } from '../wire.ts';
import { ControlError, ok, type ControlHandler } from './control-route.ts';
import { INSPECTION_ROUTES } from './inspection-routes.ts';
import { SEED_ROUTES } from './seed-routes.ts';
import { SETTINGS_ROUTES } from './settings-routes.ts';
import { USER_ROUTES } from './user-routes.ts';

const ROUTES = new Map<string, ControlHandler>([...INSPECTION_ROUTES, ...SETTINGS_ROUTES, ...USER_ROUTES, ...SEED_ROUTES]);

/** GET /_simulator: what is there, for someone exploring with curl. */
ROUTES.set('GET /_simulator', (sim) =>
  ok({ simulator: 'LastPass Enterprise API', cid: sim.cid, routes: [...ROUTES.keys()].sort() }),
);

function decodeBody(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ControlError(400, 'the body must be JSON');
  }
}

/** Serves /_simulator/*: JSON in, JSON out; 400 with `{error, problems?}` for a refused request. */
export function handleControl(sim: Simulator, req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
  // Every answer, errors included, is masked: they may echo what a client sent.
  const reply = (status: number, answer: unknown): void => sendJson(res, status, answer, sim.secrets);
  const method = req.method ?? 'GET';
  const path = url.pathname.replace(/\/+$/, '');
  const handler = ROUTES.get(`${method} ${path}`);
  if (handler === undefined) {
    const known = [...ROUTES.keys()].some((route) => route.endsWith(` ${path}`));
    reply(known ? 405 : 404, { error: `${known ? 'method not allowed' : 'no such control route'}: ${method} ${path}` });
    return;
  }
  try {
    const answer = handler(sim, {
      method,
      query: url.searchParams,
      body: decodeBody(body),
      remoteAddress: req.socket.remoteAddress ?? 'unknown',
    });
    reply(answer.status, answer.body);
  } catch (error) {
    if (error instanceof SettingsError) reply(400, { error: error.message, problems: error.problems });
    else if (error instanceof ControlError) reply(error.status, { error: error.message });
    else throw error;
  }
}
