import type { BenchOptions } from './options.ts';
import type { ModeResult } from './run-mode.ts';
import { stateLine, summariseCalls } from './verify.ts';

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const dec = (n: number, digits: number): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const seconds = (ms: number): string => `${dec(ms / 1000, ms < 10_000 ? 2 : 1)} s`;

function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}

export function settingsLine(options: BenchOptions): string {
  const { minMs, maxMs } = options.latency;
  const latency = minMs === maxMs ? `${minMs} ms` : `${minMs}–${maxMs} ms uniform`;
  const rate = options.rate > 0 ? `${options.rate} requests/s, burst ${options.burst} (simulator and dispatcher alike)` : 'none';
  return `simulator latency ${latency}; rate limit ${rate}`;
}

/** The figures of one mode, as a two-column table. */
export function modeTable(result: ModeResult, options: BenchOptions, problems: readonly string[]): string {
  const calls = summariseCalls(result.calls);
  const answered = calls.total - calls.rateLimited;
  const commands = result.people.length;
  const perCommand = [...calls.byCommand].map(([cmd, c]) => `${cmd} ${int(c.calls)}`).join(', ');
  const floorMs = options.rate > 0 ? (Math.max(0, answered - options.burst) / options.rate) * 1000 : 0;
  const attempts = Object.entries(result.attempts)
    .map(([outcome, n]) => `${outcome} ${int(n)}`)
    .join(', ');
  const { mix } = result;
  const rows: [string, string][] = [
    ['people', `${int(commands)} (${int(mix.joiners)} joiners, ${int(mix.movers)} movers, ${int(mix.leavers)} leavers)`],
    ['dispatcher', `batch size ${result.batchSize}, ${result.maxInFlight} calls in flight, breaker off`],
    ['setup (not timed)', `${seconds(result.setupMs)} (seed ${int(mix.movers + mix.leavers)} users, enqueue ${int(commands)} commands)`],
    ['wall time', seconds(result.wallMs)],
    ['API calls', `${int(answered)} (${perCommand})`],
    ['commands per call', dec(commands / Math.max(1, answered), 1)],
    ['commands/s', dec(commands / (result.wallMs / 1000), 1)],
    ['calls/s', dec(answered / (result.wallMs / 1000), 1)],
    ['429s', int(calls.rateLimited)],
    ['rate-limit floor', `${seconds(floorMs)} ((calls − burst) / rate: no dispatcher can be faster)`],
    ['claim rounds', `${int(result.claims.count)} claims, ${int(result.claimedRows)} rows, ${seconds(result.claims.ms)} in claim`],
    ['completing', `${int(result.completes.count)} commits, ${seconds(result.completes.ms)} in complete`],
    ['gateway', `${int(result.gateway.count)} executions, ${seconds(result.gateway.ms)} summed over concurrent calls`],
    ['attempts', attempts || 'none'],
    ['warn/error logs', int(result.logLines)],
    ['LastPass state', stateLine(result)],
    ['verdict', problems.length === 0 ? 'correct' : `WRONG: ${problems.join('; ')}`],
  ];
  return `${result.mode}\n${table(rows)}`;
}

/** Baseline (one call per command) over coalescing, both measured in this run. */
export function ratioTable(batching: ModeResult, baseline: ModeResult): string {
  const callsOf = (r: ModeResult): number => {
    const s = summariseCalls(r.calls);
    return s.total - s.rateLimited;
  };
  const throughput = (r: ModeResult): number => r.people.length / r.wallMs;
  const rows: [string, string][] = [
    ['API calls (no-batching / batching)', `${dec(callsOf(baseline) / callsOf(batching), 1)}×`],
    ['wall time (no-batching / batching)', `${dec(baseline.wallMs / batching.wallMs, 1)}×`],
    ['throughput (batching / no-batching)', `${dec(throughput(batching) / throughput(baseline), 1)}×`],
  ];
  return `ratios\n${table(rows)}`;
}
