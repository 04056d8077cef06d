import { toInteger } from '../json-values.ts';
import { ControlError, ok, type ControlHandler } from './control-route.ts';
import { stateView } from './state-view.ts';

function optionalInteger(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const value = toInteger(raw);
  if (value === null || value < 0) throw new ControlError(400, `${name} must be a non-negative integer`);
  return value;
}

/** `?cmd=` keeps one command, `?since=<seq>` only later calls, `?limit=` caps the list. */
const calls: ControlHandler = (sim, req) => {
  const cmd = req.query.get('cmd') ?? undefined;
  const since = optionalInteger(req.query, 'since');
  const limit = optionalInteger(req.query, 'limit');
  return ok({
    calls: sim.calls.list({
      ...(cmd === undefined ? {} : { cmd }),
      ...(since === undefined ? {} : { since }),
      ...(limit === undefined ? {} : { limit }),
    }),
  });
};

/** `?to=` and `?kind=` filter. */
const emails: ControlHandler = (sim, req) => {
  const to = req.query.get('to')?.toLowerCase();
  const kind = req.query.get('kind') ?? undefined;
  return ok({ emails: sim.state.emails.list({ ...(to === undefined ? {} : { to }), ...(kind === undefined ? {} : { kind }) }) });
};

/** `?username=` keeps one user (current and former records). */
const state: ControlHandler = (sim, req) => ok(stateView(sim, req.query.get('username')?.trim().toLowerCase() ?? null));

const events: ControlHandler = (sim) =>
  ok({
    events: sim.state.events.all().map((e) => ({ ...e, time: new Date(e.timeMicros / 1000).toISOString() })),
  });

export const INSPECTION_ROUTES: ReadonlyArray<readonly [string, ControlHandler]> = [
  ['GET /_simulator/calls', calls],
  ['GET /_simulator/emails', emails],
  ['GET /_simulator/state', state],
  ['GET /_simulator/events', events],
];
