/**
 * `npm run bench:scim` (issue #6): requests per second and latency of lpprov's SCIM endpoint for
 * a filtered GET, a POST and a PATCH at 50 concurrent clients, against a bare express JSON route
 * measured in the same process and run. docs/benchmarks.md explains what is measured and records
 * the figures.
 */
import { cpus } from 'node:os';

import { type BenchOptions, parseBenchOptions, USAGE } from './scim/options.ts';
import { engineTable, settingsLine } from './scim/report.ts';
import { runEngine } from './scim/run-engine.ts';

async function main(): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  process.stdout.write(`bench:scim — ${settingsLine(options)}; Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'})\n\n`);
  let failed = false;
  for (const engine of options.engines) {
    const run = await runEngine(engine, options, (line) => process.stdout.write(`  … ${line}\n`));
    const wrong = run.problems.length > 0 || run.runs.some((r) => r.problems.length > 0);
    failed ||= wrong;
    process.stdout.write(`\n${engineTable(run)}\n\n`);
    if (wrong && run.firstLogLines.length > 0) process.stdout.write(`first log lines on ${engine}:\n${run.firstLogLines.join('\n')}\n\n`);
  }
  if (failed) process.stderr.write('bench:scim FAILED: a scenario did not end in the expected state (see verdict above)\n');
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench:scim crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
