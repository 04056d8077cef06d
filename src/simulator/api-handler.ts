import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

import { finishCall, type CallRecord, type CallResult } from './call-log.ts';
import { runCommand } from './commands/registry.ts';
import { parseEnvelope } from './envelope.ts';
import type { FaultKind } from './fault-settings.ts';
import { maskSecrets } from './masking.ts';
import { encodePhpJson } from './php-json.ts';
import type { Simulator } from './simulator.ts';
import { AUTH_ERROR_XML, FAULT_PAGES, sendApiBody, sendEdgePage, sendText, tooManyRequestsPage } from './wire.ts';

type Outcome = Omit<CallResult, 'durationMs'>;

interface Call {
  readonly sim: Simulator;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly record: CallRecord;
  readonly startedMs: number;
}

function finish(call: Call, outcome: Outcome): void {
  finishCall(call.record, { ...outcome, durationMs: Math.round((performance.now() - call.startedMs) * 100) / 100 });
  call.sim.onCall?.(call.record);
}

function drop(call: Call, fault: FaultKind, status: string | null): void {
  call.req.socket.destroy();
  finish(call, { httpStatus: null, status, outcome: 'fault', fault });
}

function authError(call: Call, fault: FaultKind | null): void {
  sendApiBody(call.res, AUTH_ERROR_XML);
  finish(call, { httpStatus: 200, status: 'Authorization Error', outcome: 'auth-error', fault });
}

/** Answers an injected fault; true when the call is over (the command must not run). */
function answerFault(call: Call, fault: FaultKind | null): boolean {
  switch (fault) {
    case null:
    case 'slow':
    case 'dropAfterApply':
      return false;
    case 'drop':
      drop(call, fault, null);
      return true;
    case 'authError':
      authError(call, fault);
      return true;
    case 'http429': {
      const page = tooManyRequestsPage(call.sim.faults.settings.retryAfterSeconds);
      sendEdgePage(call.res, page);
      finish(call, { httpStatus: page.status, status: null, outcome: 'fault', fault });
      return true;
    }
    case 'http500':
    case 'http502':
    case 'http503':
    case 'html403': {
      const page = FAULT_PAGES[fault];
      sendEdgePage(call.res, page);
      finish(call, { httpStatus: page.status, status: null, outcome: 'fault', fault });
      return true;
    }
  }
}

/**
 * One call to /enterpriseapi.php: log it (masked), then in order the account's rate limit, an
 * injected fault, the delay, the credentials, and the command. State changes only when the
 * command runs, so `drop` loses nothing and `dropAfterApply` loses only the answer.
 */
export async function handleApiCall(
  sim: Simulator,
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
  signal: AbortSignal,
): Promise<void> {
  const envelope = req.method === 'POST' ? parseEnvelope(body, req.headers['content-type']) : null;
  const cmd = typeof envelope?.cmd === 'string' ? envelope.cmd : null;
  const record = sim.calls.begin({
    time: new Date(sim.state.clock.now()).toISOString(),
    method: req.method ?? 'GET',
    cmd,
    data: maskSecrets(envelope?.data, sim.secrets),
    ...(typeof envelope?.apiuser === 'string' ? { apiuser: maskSecrets(envelope.apiuser, sim.secrets) as string } : {}),
    remoteAddress: req.socket.remoteAddress ?? 'unknown',
  });
  const call: Call = { sim, req, res, record, startedMs: performance.now() };

  if (req.method !== 'POST') {
    sendText(res, 405, 'Method Not Allowed: the Enterprise API takes POST\n', { allow: 'POST' });
    finish(call, { httpStatus: 405, status: null, outcome: 'bad-request', fault: null });
    return;
  }

  const account = typeof envelope?.cid === 'string' || typeof envelope?.cid === 'number' ? String(envelope.cid) : '';
  const waitMs = sim.rateLimitWait(account);
  const fault = waitMs > 0 ? null : sim.faults.nextFault(cmd);
  const delayMs = sim.faults.delayMs(fault);
  if (delayMs > 0) {
    try {
      await sleep(delayMs, undefined, { signal });
    } catch {
      // The server is stopping: nothing will be answered.
      req.socket.destroy();
      return;
    }
  }

  if (waitMs > 0) {
    const page = tooManyRequestsPage(Math.max(1, Math.ceil(waitMs / 1000)));
    sendEdgePage(res, page);
    finish(call, { httpStatus: page.status, status: null, outcome: 'rate-limited', fault: null });
    return;
  }
  if (answerFault(call, fault)) return;
  if (sim.faults.settings.authBroken || envelope === null || !sim.credentialsMatch(envelope.cid, envelope.provhash)) {
    authError(call, fault);
    return;
  }

  const reply = runCommand(envelope.cmd, sim.commandContext(envelope.data, record.remoteAddress));
  if (fault === 'dropAfterApply') {
    drop(call, fault, reply.status);
    return;
  }
  sendApiBody(res, encodePhpJson(reply.body));
  finish(call, { httpStatus: 200, status: reply.status, outcome: reply.outcome, fault });
}
