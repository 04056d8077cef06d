import { SettingsReader } from '../settings-reader.ts';
import { ok, type ControlHandler } from './control-route.ts';

const faults: ControlHandler = (sim, req) => ok(req.method === 'GET' ? sim.faults.settings : sim.updateFaults(req.body));

const behaviour: ControlHandler = (sim, req) => ok(req.method === 'GET' ? sim.behaviour : sim.updateBehaviour(req.body));

/** Empties state, calls and emails; `{"faults": true}` / `{"behaviour": true}` also restore those settings. */
const reset: ControlHandler = (sim, req) => {
  const r = new SettingsReader();
  const body = r.record(req.body, '', ['faults', 'behaviour']) ?? {};
  const restoreFaults = body.faults === undefined ? false : r.boolean(body.faults, 'faults');
  const restoreBehaviour = body.behaviour === undefined ? false : r.boolean(body.behaviour, 'behaviour');
  r.finish();
  sim.reset({ faults: restoreFaults === true, behaviour: restoreBehaviour === true });
  return ok({ reset: true, faults: sim.faults.settings, behaviour: sim.behaviour });
};

/** Moves the simulator's clock: `{"advanceMs": n}`, `{"now": ISO}` or `{"reset": true}`. */
const clock: ControlHandler = (sim, req) => {
  const { clock: simClock } = sim.state;
  if (req.method === 'POST') {
    const r = new SettingsReader();
    const body = r.record(req.body, '', ['advanceMs', 'now', 'reset']) ?? {};
    const advance = body.advanceMs === undefined ? undefined : r.number(body.advanceMs, 'advanceMs');
    const now = typeof body.now === 'string' ? Date.parse(body.now) : undefined;
    if (body.now !== undefined && (now === undefined || Number.isNaN(now))) r.problem('now must be an ISO 8601 time');
    if (body.reset !== undefined && body.reset !== true) r.problem('reset must be true');
    r.finish();
    if (body.reset === true) simClock.reset();
    if (now !== undefined) simClock.set(now);
    if (advance !== undefined) simClock.advance(advance);
  }
  return ok({ now: new Date(simClock.now()).toISOString(), offsetMs: simClock.offsetMs });
};

export const SETTINGS_ROUTES: ReadonlyArray<readonly [string, ControlHandler]> = [
  ['GET /_simulator/faults', faults],
  ['POST /_simulator/faults', faults],
  ['GET /_simulator/behaviour', behaviour],
  ['POST /_simulator/behaviour', behaviour],
  ['POST /_simulator/reset', reset],
  ['GET /_simulator/clock', clock],
  ['POST /_simulator/clock', clock],
];

