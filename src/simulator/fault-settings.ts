import { SettingsReader } from './settings-reader.ts';

/**
 * What can go wrong on the way to LastPass, one kind per call:
 * - `http500`/`http502`/`http503`: an HTML error page with that status;
 * - `http429`: "Too Many Requests" with `Retry-After: retryAfterSeconds`;
 * - `html403`: the HTML "Access Denied" page an Akamai edge sends;
 * - `drop`: the socket is destroyed before the command runs (nothing changed);
 * - `dropAfterApply`: the command runs, then the socket is destroyed (the answer is lost);
 * - `slow`: the normal answer, `slowMs` later;
 * - `authError`: the XML authorization error, whatever the credentials.
 */
export const FAULT_KINDS = [
  'http500',
  'http502',
  'http503',
  'http429',
  'html403',
  'drop',
  'dropAfterApply',
  'slow',
  'authError',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Batch commands whose size can be capped (the reference documents no maximum, §4). */
export const BATCH_COMMANDS = ['batchadd', 'batchchangegrp', 'disableuser', 'enableuser'] as const;
export type BatchCommand = (typeof BATCH_COMMANDS)[number];

export interface LatencySettings {
  readonly minMs: number;
  readonly maxMs: number;
}

/** Token bucket per account (cid): refills `requestsPerSecond`, holds at most `burst`. */
export interface RateLimitSettings {
  readonly requestsPerSecond: number;
  readonly burst: number;
}

/** "The next `count` calls (of `cmd`, if given) get fault `kind`", consumed in order. */
export interface NextFault {
  readonly kind: FaultKind;
  readonly count: number;
  readonly cmd?: string;
}

export interface FaultSettings {
  /** Added to every answer; `{minMs: n, maxMs: n}` is a fixed delay. */
  readonly latency: LatencySettings;
  /** null: no rate limit. */
  readonly rateLimit: RateLimitSettings | null;
  /** Chance (0..1) that a call gets each fault; the sum must not exceed 1. */
  readonly probabilities: Readonly<Record<FaultKind, number>>;
  /** Extra delay of a `slow` answer. */
  readonly slowMs: number;
  /** `Retry-After` of injected `http429` faults (rate-limit answers compute their own). */
  readonly retryAfterSeconds: number;
  /** Deterministic faults, taken before any random one; GET shows what is left. */
  readonly nextFaults: readonly NextFault[];
  /** Seed of the random generator (latency and fault draws); null: a random seed. */
  readonly seed: number | null;
  /** Largest batch each command accepts; null: no limit. */
  readonly batchMax: Readonly<Record<BatchCommand, number | null>>;
  /** Every call gets the XML authorization error, as after a provisioning-hash reset. */
  readonly authBroken: boolean;
}

/**
 * A partial update, as accepted by `POST /_simulator/faults` and `SimulatorOptions.faults`.
 * Any `Partial<FaultSettings>` is one; shorthands: `latency: 50` (fixed), `rateLimit: 20`
 * (20/s, burst 20), `batchMax: 500` (every batch command).
 */
export interface FaultSettingsUpdate {
  readonly latency?: number | Partial<LatencySettings>;
  readonly rateLimit?: number | Partial<RateLimitSettings> | null;
  readonly probabilities?: Partial<Record<FaultKind, number>>;
  readonly slowMs?: number;
  readonly retryAfterSeconds?: number;
  readonly nextFaults?: readonly NextFault[];
  readonly seed?: number | null;
  readonly batchMax?: number | null | Partial<Record<BatchCommand, number | null>>;
  readonly authBroken?: boolean;
}

const noFaults = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
const noBatchMax = Object.fromEntries(BATCH_COMMANDS.map((cmd) => [cmd, null])) as Record<
  BatchCommand,
  number | null
>;

export const DEFAULT_FAULT_SETTINGS: FaultSettings = Object.freeze({
  latency: { minMs: 0, maxMs: 0 },
  rateLimit: null,
  probabilities: noFaults,
  slowMs: 5_000,
  retryAfterSeconds: 1,
  nextFaults: [],
  seed: null,
  batchMax: noBatchMax,
  authBroken: false,
});

const TOP_KEYS = [
  'latency',
  'rateLimit',
  'probabilities',
  'slowMs',
  'retryAfterSeconds',
  'nextFaults',
  'seed',
  'batchMax',
  'authBroken',
] as const;

function readLatency(r: SettingsReader, value: unknown, current: LatencySettings): LatencySettings {
  if (typeof value === 'number') {
    const ms = r.number(value, 'latency', { min: 0 }) ?? 0;
    return { minMs: ms, maxMs: ms };
  }
  const rec = r.record(value, 'latency', ['minMs', 'maxMs']);
  if (!rec) return current;
  const minMs = rec.minMs === undefined ? current.minMs : (r.number(rec.minMs, 'latency.minMs', { min: 0 }) ?? 0);
  const maxMs = rec.maxMs === undefined ? Math.max(minMs, current.maxMs) : (r.number(rec.maxMs, 'latency.maxMs', { min: 0 }) ?? 0);
  if (maxMs < minMs) r.problem(`latency.maxMs (${maxMs}) must not be below latency.minMs (${minMs})`);
  return { minMs, maxMs };
}

function readRateLimit(r: SettingsReader, value: unknown, current: RateLimitSettings | null): RateLimitSettings | null {
  if (value === null) return null;
  if (typeof value === 'number') {
    const rps = r.number(value, 'rateLimit', { min: Number.MIN_VALUE }) ?? 1;
    return { requestsPerSecond: rps, burst: Math.max(1, Math.ceil(rps)) };
  }
  const rec = r.record(value, 'rateLimit', ['requestsPerSecond', 'burst']);
  if (!rec) return current;
  const rpsValue = rec.requestsPerSecond ?? current?.requestsPerSecond;
  if (rpsValue === undefined) {
    r.problem('rateLimit.requestsPerSecond is required to switch the rate limit on');
    return current;
  }
  const requestsPerSecond = r.number(rpsValue, 'rateLimit.requestsPerSecond', { min: Number.MIN_VALUE }) ?? 1;
  const burstValue = rec.burst ?? current?.burst ?? Math.max(1, Math.ceil(requestsPerSecond));
  const burst = r.number(burstValue, 'rateLimit.burst', { min: 1, integer: true }) ?? 1;
  return { requestsPerSecond, burst };
}

function readProbabilities(r: SettingsReader, value: unknown, current: Record<FaultKind, number>): Record<FaultKind, number> {
  const rec = r.record(value, 'probabilities', FAULT_KINDS);
  if (!rec) return current;
  const next = { ...current };
  for (const kind of FAULT_KINDS) {
    if (rec[kind] !== undefined) next[kind] = r.number(rec[kind], `probabilities.${kind}`, { min: 0, max: 1 }) ?? 0;
  }
  const sum = FAULT_KINDS.reduce((total, kind) => total + next[kind], 0);
  if (sum > 1 + 1e-9) r.problem(`the fault probabilities add up to ${+sum.toFixed(6)}; at most 1 is possible`);
  return next;
}

function readNextFaults(r: SettingsReader, value: unknown): NextFault[] {
  if (!Array.isArray(value)) {
    r.problem('nextFaults must be an array of {kind, count, cmd?}');
    return [];
  }
  return value.flatMap((item: unknown, i): NextFault[] => {
    const rec = r.record(item, `nextFaults[${i}]`, ['kind', 'count', 'cmd']);
    if (!rec) return [];
    const kind = r.oneOf(rec.kind, `nextFaults[${i}].kind`, FAULT_KINDS);
    const count = rec.count === undefined ? 1 : r.number(rec.count, `nextFaults[${i}].count`, { min: 1, integer: true });
    if (rec.cmd !== undefined && typeof rec.cmd !== 'string') r.problem(`nextFaults[${i}].cmd must be a command name`);
    if (kind === undefined || count === undefined) return [];
    return [typeof rec.cmd === 'string' ? { kind, count, cmd: rec.cmd } : { kind, count }];
  });
}

function readBatchMax(
  r: SettingsReader,
  value: unknown,
  current: Record<BatchCommand, number | null>,
): Record<BatchCommand, number | null> {
  const readOne = (v: unknown, path: string): number | null =>
    v === null ? null : (r.number(v, path, { min: 1, integer: true }) ?? null);
  if (value === null || typeof value === 'number') {
    const max = readOne(value, 'batchMax');
    return Object.fromEntries(BATCH_COMMANDS.map((cmd) => [cmd, max])) as Record<BatchCommand, number | null>;
  }
  const rec = r.record(value, 'batchMax', BATCH_COMMANDS);
  if (!rec) return current;
  const next = { ...current };
  for (const cmd of BATCH_COMMANDS) {
    if (rec[cmd] !== undefined) next[cmd] = readOne(rec[cmd], `batchMax.${cmd}`);
  }
  return next;
}

/** Applies a partial update (unknown: it may come straight from JSON); throws SettingsError. */
export function applyFaultUpdate(current: FaultSettings, update: unknown): FaultSettings {
  const r = new SettingsReader();
  const rec = r.record(update, '', TOP_KEYS);
  if (!rec) {
    r.finish();
    return current;
  }
  const next: FaultSettings = {
    latency: rec.latency === undefined ? current.latency : readLatency(r, rec.latency, current.latency),
    rateLimit: rec.rateLimit === undefined ? current.rateLimit : readRateLimit(r, rec.rateLimit, current.rateLimit),
    probabilities:
      rec.probabilities === undefined ? current.probabilities : readProbabilities(r, rec.probabilities, current.probabilities),
    slowMs: rec.slowMs === undefined ? current.slowMs : (r.number(rec.slowMs, 'slowMs', { min: 0 }) ?? 0),
    retryAfterSeconds:
      rec.retryAfterSeconds === undefined
        ? current.retryAfterSeconds
        : (r.number(rec.retryAfterSeconds, 'retryAfterSeconds', { min: 0, integer: true }) ?? 0),
    nextFaults: rec.nextFaults === undefined ? current.nextFaults : readNextFaults(r, rec.nextFaults),
    seed:
      rec.seed === undefined
        ? current.seed
        : rec.seed === null
          ? null
          : (r.number(rec.seed, 'seed', { min: 0, max: 2 ** 32 - 1, integer: true }) ?? null),
    batchMax: rec.batchMax === undefined ? current.batchMax : readBatchMax(r, rec.batchMax, current.batchMax),
    authBroken: rec.authBroken === undefined ? current.authBroken : (r.boolean(rec.authBroken, 'authBroken') ?? false),
  };
  r.finish();
  return next;
}
