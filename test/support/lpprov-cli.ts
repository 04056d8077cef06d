// `lpprov …` as real child processes, for every test that runs the command line. Starting the
// CLI from the sources costs about a second of CPU, so on a busy machine fixed timeouts around
// child processes fail correct code: nothing here kills a child on a timer (the test's own
// timeout bounds it), the compile cache halves the start cost, and a test worker runs at most as
// many run-to-completion commands at once as there are CPU cores.
import { type ChildProcess, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

import pLimit from 'p-limit';

export const LPPROV_MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/**
 * The timeout of a test that runs child processes: generous, because a loaded two-core machine
 * makes each start take seconds. A passing test never waits for it; only a hanging one does.
 */
export const CHILD_PROCESS_TEST_TIMEOUT_MS = 180_000;

/** Node's module compile cache, shared by every child of a run (git-ignored, like all of .cache). */
export const COMPILE_CACHE = fileURLToPath(new URL('../../.cache/node-compile-cache', import.meta.url));

// Every setting lpprov reads (docs/configuration.md): none may leak from the developer's shell.
const LPPROV_SETTING =
  /^(LASTPASS_|DATABASE_URL$|KAFKA_|SCIM_|HR_|POLICY_|LOG_LEVEL$|PORT$|RECONCILE_|DISPATCH_|RETRY_|BREAKER_|TLS_|ADMIN_)/;

/** The test runner's environment without any lpprov setting, so that only what a test gives counts. */
export function runnerEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && !LPPROV_SETTING.test(entry[0])),
  );
}

/** Only PATH and HOME from the runner. */
export function minimalEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
}

/** The environment a child gets: the given one, with the compile cache unless it names its own. */
export function childEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  return { NODE_COMPILE_CACHE: COMPILE_CACHE, ...env };
}

const running = new Set<ChildProcess>();
// A test that failed on its timeout leaves its children behind; the worker's exit takes them along.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Spawns `node <script> <args>` and keeps track of it until it exits. */
export function spawnNode(
  script: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  options: { readonly cwd?: string; readonly stdin?: boolean } = {},
): ChildProcess {
  const child = spawn(process.execPath, [script, ...args], {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: childEnv(env),
    stdio: [options.stdin === true ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

export interface CliResult {
  /** The exit code; null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  /** Written to the child's standard input, which is then closed. */
  readonly stdin?: string;
  /** The script to run instead of src/cli/main.ts. */
  readonly script?: string;
}

const slots = pLimit(Math.max(1, availableParallelism()));

/**
 * Runs `lpprov <args>` to its end with exactly `env` (see runnerEnv and minimalEnv), waiting for
 * a free slot first. There is no timeout: commands that are meant to end do, and the test's
 * timeout covers one that hangs.
 */
export function runLpprov(args: readonly string[], env: Readonly<Record<string, string>>, options: RunOptions = {}): Promise<CliResult> {
  return slots(
    () =>
      new Promise<CliResult>((resolve, reject) => {
        const child = spawnNode(options.script ?? LPPROV_MAIN, args, env, {
          ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
          stdin: options.stdin !== undefined,
        });
        let stdout = '';
        let stderr = '';
        child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.once('error', reject);
        child.once('close', (code: number | null, signal: NodeJS.Signals | null) => resolve({ code, signal, stdout, stderr }));
        child.stdin?.end(options.stdin);
      }),
  );
}
