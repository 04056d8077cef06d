/**
 * `npm run bench:dispatch` (issue #4): a mixed burst of joiners, movers and leavers through the
 * outbox dispatcher against the LastPass simulator, once coalescing commands into batch calls and
 * once with one call per command, in the same run; prints calls, wall time and the ratios.
 * docs/benchmarks.md explains what is measured and records the figures.
 */
import { type BenchOptions, type Mode, parseBenchOptions, USAGE } from './dispatch/options.ts';
import { modeTable, ratioTable, settingsLine } from './dispatch/report.ts';
import { type ModeResult, runMode } from './dispatch/run-mode.ts';
import { problemsOf } from './dispatch/verify.ts';

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
  process.stdout.write(`bench:dispatch — ${settingsLine(options)}; Node ${process.version}\n\n`);
  const results = new Map<Mode, ModeResult>();
  let failed = false;
  for (const mode of options.modes) {
    const result = await runMode(mode, options);
    const problems = problemsOf(result);
    failed ||= problems.length > 0;
    results.set(mode, result);
    process.stdout.write(`${modeTable(result, options, problems)}\n\n`);
    if (problems.length > 0 && result.firstLogLines.length > 0) {
      process.stdout.write(`first log lines of ${mode}:\n${result.firstLogLines.join('\n')}\n\n`);
    }
  }
  const batching = results.get('batching');
  const baseline = results.get('no-batching');
  if (batching !== undefined && baseline !== undefined) process.stdout.write(`${ratioTable(batching, baseline)}\n`);
  if (failed) process.stderr.write('\nbench:dispatch FAILED: a run did not end in the expected state (see verdict above)\n');
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench:dispatch crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
