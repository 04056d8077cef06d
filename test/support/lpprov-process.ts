import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

import { LPPROV_MAIN, minimalEnv, spawnNode } from './lpprov-cli.ts';

/** `lpprov <args>` as a real child process, with its output kept for assertions. */
export class LpprovProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #stdout = '';
  #stderr = '';

  constructor(args: readonly string[], env: Readonly<Record<string, string>>, options: { readonly cwd?: string } = {}) {
    // Only what the test gives, plus PATH/HOME: the developer's own LASTPASS_* or DATABASE_URL
    // must not leak into the process under test.
    this.child = spawnNode(LPPROV_MAIN, args, { ...minimalEnv(), ...env }, options);
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.#stdout += chunk.toString();
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr += chunk.toString();
    });
    this.exited = once(this.child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
  }

  static start(env: Readonly<Record<string, string>>): LpprovProcess {
    return new LpprovProcess(['start'], env);
  }

  get stdout(): string {
    return this.#stdout;
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** Parsed pino lines from stdout. */
  logLines(): Record<string, unknown>[] {
    return this.#stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  async kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
