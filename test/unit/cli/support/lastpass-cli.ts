import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

import type { TestContext } from 'vitest';

import { startSimulator, type RunningSimulator } from '../../../../src/simulator/index.ts';
import { type CliResult, LPPROV_MAIN, runLpprov, runnerEnv, spawnNode } from '../../../support/lpprov-cli.ts';

export type { CliResult } from '../../../support/lpprov-cli.ts';

export const CID = '8771312';
export const PROVHASH = 'cli-test-provhash-5e1d9a07';

export type Child = ChildProcessByStdio<null, Readable, Readable>;

/** What the helpers need of a test's context: a place to register its cleanup. */
export type TestCleanup = Pick<TestContext, 'onTestFinished'>;

/**
 * CLI tests run concurrently (each spends most of its time waiting for a child process), so every
 * simulator and child process is stopped by its own test's cleanup, not by a shared afterEach.
 */
export interface Sim {
  readonly sim: RunningSimulator;
  /** The environment the CLI needs to reach this simulator. */
  readonly env: Record<string, string>;
  /** POST (with a body) or GET a control route; throws on a refusal. */
  control<T = unknown>(path: string, body?: unknown): Promise<T>;
  /** The number of calls of `cmd` the simulator has answered or is answering. */
  calls(cmd?: string): Promise<number>;
  /** Starts the CLI against this simulator; the child is killed when the test ends. */
  spawn(args: readonly string[]): Child;
}

export async function startSim(ctx: TestCleanup): Promise<Sim> {
  const sim = await startSimulator({ cid: CID, provhash: PROVHASH });
  const children: Child[] = [];
  ctx.onTestFinished(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await sim.stop();
  });
  const env = { LASTPASS_URL: sim.endpoint, LASTPASS_CID: CID, LASTPASS_PROVHASH: PROVHASH };
  const control = async <T>(path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${sim.url}/_simulator${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  return {
    sim,
    env,
    control,
    async calls(cmd?: string): Promise<number> {
      const answer = await control<{ calls: unknown[] }>(`/calls${cmd === undefined ? '' : `?cmd=${cmd}`}`);
      return answer.calls.length;
    },
    spawn(args: readonly string[]): Child {
      const child = spawnCli(args, env);
      children.push(child);
      return child;
    },
  };
}

/** Starts `lpprov lastpass …` as a real child process (the caller ends it). */
export function spawnCli(args: readonly string[], env: Record<string, string>): Child {
  return spawnNode(LPPROV_MAIN, ['lastpass', ...args], { ...runnerEnv(), ...env }) as Child;
}

/** Runs `lpprov lastpass …` to its end; the lastpass commands without --follow always end by themselves. */
export function runCli(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return runLpprov(['lastpass', ...args], { ...runnerEnv(), ...env });
}

/** Collects a running child's output and lets a test wait for text to appear in it. */
export class Output {
  stdout = '';
  stderr = '';
  readonly #waiters: (() => void)[] = [];

  constructor(child: Child) {
    const wake = (): void => {
      for (const waiter of this.#waiters.splice(0)) waiter();
    };
    child.stdout.on('data', (chunk) => {
      this.stdout += String(chunk);
      wake();
    });
    child.stderr.on('data', (chunk) => {
      this.stderr += String(chunk);
      wake();
    });
  }

  /** Resolves once `predicate` holds; rejects after `timeoutMs` with what was seen. */
  async until(predicate: (out: this) => boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/**
 * The rows of a table, each as its cells: columns are where the header rule's dashes are, and the
 * body ends at the blank line before the summary.
 */
export function tableRows(stdout: string): string[][] {
  const lines = stdout.split('\n');
  const ruleAt = lines.findIndex((line) => /^-+( +-+)*$/.test(line));
  const rule = lines[ruleAt] ?? '';
  const starts = [...rule.matchAll(/-+/g)].map((match) => match.index);
  const rows: string[][] = [];
  for (const line of lines.slice(ruleAt + 1)) {
    if (line === '') break;
    rows.push(starts.map((start, i) => line.slice(start, starts[i + 1] ?? line.length).trim()));
  }
  return rows;
}

/** Resolves once `check` holds, polling every 20 ms; rejects after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
