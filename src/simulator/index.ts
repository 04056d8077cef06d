/**
 * LastPass Enterprise API simulator: an HTTP server speaking `enterpriseapi.php` as the
 * reference (docs/reference/lastpass-enterprise-api.md) describes it, with controls under
 * `/_simulator/` (docs/simulator.md). It imports nothing from the rest of lpprov, so that it is
 * written from the documentation and catches the client's mistakes instead of sharing them.
 */
import { applyBehaviourUpdate, DEFAULT_BEHAVIOUR_SETTINGS, type BehaviourSettingsUpdate } from './behaviour-settings.ts';
import type { CallRecord } from './call-log.ts';
import { applyFaultUpdate, DEFAULT_FAULT_SETTINGS, type FaultSettingsUpdate } from './fault-settings.ts';
import { API_PATH, listen } from './http-server.ts';
import { Simulator } from './simulator.ts';

export type { BehaviourSettings, BehaviourSettingsUpdate, BatchaddExisting } from './behaviour-settings.ts';
export type { CallOutcome, CallRecord } from './call-log.ts';
export type {
  BatchCommand,
  FaultKind,
  FaultSettings,
  FaultSettingsUpdate,
  LatencySettings,
  NextFault,
  RateLimitSettings,
} from './fault-settings.ts';
export { BATCH_COMMANDS, DEFAULT_FAULT_SETTINGS, FAULT_KINDS } from './fault-settings.ts';
export { DEFAULT_BEHAVIOUR_SETTINGS } from './behaviour-settings.ts';
export { SettingsError } from './settings-reader.ts';

export interface SimulatorOptions {
  /** Account number; requests may send it as a number or a numeric string. */
  cid: string;
  /** Provisioning hash; never shown in any output of the simulator. */
  provhash: string;
  /** 0 or absent: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Initial fault, latency and rate-limit settings (same shape as POST /_simulator/faults). */
  faults?: FaultSettingsUpdate;
  /** Initial answers to the reference's open questions (same shape as POST /_simulator/behaviour). */
  behaviour?: BehaviourSettingsUpdate;
  /** Calls kept for GET /_simulator/calls (default 100,000; older ones are dropped). */
  callLogLimit?: number;
  /** Told about every answered call (secrets masked), e.g. to print a line per call. */
  onCall?: (call: CallRecord) => void;
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  /** url + '/enterpriseapi.php'. */
  readonly endpoint: string;
  readonly port: number;
  /** Closes the server and all open sockets. */
  stop(): Promise<void>;
}

const DEFAULT_CALL_LOG_LIMIT = 100_000;

function checkOptions(options: SimulatorOptions): void {
  const problems: string[] = [];
  if (!/^\d+$/.test(options.cid)) problems.push(`cid must be an account number (digits only), got ${JSON.stringify(options.cid)}`);
  if (options.provhash === '') problems.push('provhash must not be empty');
  const { port, callLogLimit } = options;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) problems.push(`port must be 0..65535, got ${port}`);
  if (callLogLimit !== undefined && (!Number.isInteger(callLogLimit) || callLogLimit < 1)) {
    problems.push(`callLogLimit must be a positive integer, got ${callLogLimit}`);
  }
  if (problems.length > 0) throw new Error(`cannot start the LastPass simulator: ${problems.join('; ')}`);
}

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  checkOptions(options);
  const sim = new Simulator({
    cid: options.cid,
    provhash: options.provhash,
    faults: applyFaultUpdate(DEFAULT_FAULT_SETTINGS, options.faults ?? {}),
    behaviour: applyBehaviourUpdate(DEFAULT_BEHAVIOUR_SETTINGS, options.behaviour ?? {}),
    callLogLimit: options.callLogLimit ?? DEFAULT_CALL_LOG_LIMIT,
    ...(options.onCall === undefined ? {} : { onCall: options.onCall }),
  });
  const host = options.host ?? '127.0.0.1';
  const server = await listen(sim, host, options.port ?? 0);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${server.port}`;
  return { url, endpoint: `${url}${API_PATH}`, port: server.port, stop: () => server.stop() };
}
