import { percentile } from './load.ts';
import type { LoadResult } from './load-spec.ts';
import type { BenchOptions } from './options.ts';
import type { EngineRun } from './run-engine.ts';

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => `${n.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} ms`;
const ratio = (n: number): string => `${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}×`;

export function settingsLine(options: BenchOptions): string {
  const rate = options.rate === 0 ? 'no LastPass rate limit' : `LastPass calls limited to ${options.rate}/s`;
  return `${options.clients} clients, ${options.warmupS} s warm-up + ${options.durationS} s measured per scenario, ${int(options.users)} users seeded, ${rate}`;
}

const throughput = (result: LoadResult): number => result.measured / (result.measuredMs / 1000);

/**
 * One row per scenario: requests per second and p50/p99/max latency, next to the baseline measured
 * just before it in the same process with the same clients, and the ratios of the two.
 */
export function engineTable(run: EngineRun): string {
  const header = ['scenario', 'req/s', 'p50', 'p99', 'max', 'baseline req/s', 'baseline p99', 'req/s ratio', 'p99 ratio', 'answers', 'verdict'];
  const rows = run.runs.map((r) => {
    const lat = r.result.latenciesMs;
    const p99 = percentile(lat, 0.99);
    const baseP99 = percentile(r.baseline.latenciesMs, 0.99);
    const statuses = Object.entries(r.result.statuses)
      .map(([status, n]) => `${status}×${int(n)}`)
      .join(' ');
    return [
      r.label,
      int(throughput(r.result)),
      ms(percentile(lat, 0.5)),
      ms(p99),
      ms(lat.at(-1) ?? Number.NaN),
      int(throughput(r.baseline)),
      ms(baseP99),
      ratio(throughput(r.result) / throughput(r.baseline)),
      ratio(p99 / baseP99),
      statuses,
      r.problems.length === 0 ? 'correct' : `WRONG: ${r.problems.join('; ')}`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const left = new Set([0, 9, 10]);
  const line = (cells: readonly string[]): string =>
    `  ${cells.map((c, i) => (left.has(i) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')}`.trimEnd();
  const summary = [
    `  seed (not timed)   ${int(run.seeded)} users through POST /Users in ${(run.seedMs / 1000).toFixed(1)} s`,
    `  outbox at the end  ${Object.entries(run.outbox).map(([status, n]) => `${status} ${int(n)}`).join(', ')}`,
    `  warn/error logs    ${int(run.warnLines)}`,
    `  verdict            ${run.problems.length === 0 && run.runs.every((r) => r.problems.length === 0) ? 'correct' : `WRONG: ${run.problems.join('; ') || 'see the scenarios'}`}`,
  ];
  return `${run.engine}\n${line(header)}\n${rows.map(line).join('\n')}\n${summary.join('\n')}`;
}
