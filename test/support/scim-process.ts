import { LpprovProcess } from './lpprov-process.ts';
import { waitFor } from './wait-for.ts';

export interface StartedLpprovProcess {
  readonly process: LpprovProcess;
  /** Base URL of its HTTP listener, from its "lpprov started" log line. */
  readonly httpUrl: string;
}

/**
 * `lpprov start` as a child process (PORT=0 picks a free port), waiting for the "lpprov started"
 * log line that names the listener. Fails with the process's output when it exits or never says so.
 */
export async function startLpprovProcess(env: Readonly<Record<string, string>>, timeoutMs = 120_000): Promise<StartedLpprovProcess> {
  const process = LpprovProcess.start({ LOG_LEVEL: 'info', ...env });
  let exited = false;
  void process.exited.then(() => {
    exited = true;
  });
  const started = (): Record<string, unknown> | undefined => completeLogLines(process.stdout).find((line) => line.msg === 'lpprov started');
  try {
    await waitFor(() => exited || started() !== undefined, { timeoutMs, intervalMs: 50, description: 'lpprov to log "lpprov started"' });
  } catch (error) {
    await process.kill('SIGKILL');
    throw new Error(`lpprov did not start:\n${process.stdout}\n${process.stderr}`, { cause: error });
  }
  const line = started();
  if (line === undefined || typeof line.httpUrl !== 'string') {
    throw new Error(`lpprov exited before it started (${JSON.stringify(await process.exited)}):\n${process.stdout}\n${process.stderr}`);
  }
  return { process, httpUrl: line.httpUrl };
}

/** Parsed pino lines; a line still being written (no newline yet) is left for the next look. */
function completeLogLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .slice(0, -1)
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}
