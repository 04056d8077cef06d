import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadConfig } from '../../src/config/load-config.ts';
import { type RunningLpprov, startLpprov } from '../../src/main.ts';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { createTestDatabase, type Engine, type TestDatabase } from './databases.ts';
import { type CapturedLogs, captureLogs } from './log-capture.ts';
import { ScimClient, type ScimClientOptions } from './scim-http.ts';
import { type SimCall, simulatorCalls, WRITE_COMMANDS } from './simulator-calls.ts';
import { waitFor } from './wait-for.ts';

export const SCIM_TOKEN = 'scim-e2e-bearer-token-0123456789';
const CREDENTIALS = { cid: '8771312', provhash: 'scim-e2e-provisioning-hash-5f3a' };

/**
 * The policy of the IdP replays: the IdP decides lifecycle and groups, groups starting with
 * `LP-` are managed, and a deactivated account is never removed later, so every command a step
 * causes is sent at once and nothing is scheduled behind the test's back.
 */
export const IDP_POLICY = `
managed_groups: { prefix: "LP-" }
defaults:
  leaver: { on_effective: deactivate, on_immediate: deactivate, after_grace: never }
authority: { lifecycle: idp, groups: idp }
`;

export interface ScimRigOptions {
  readonly engine?: Engine;
  /** Policy YAML; the built-in defaults when absent. */
  readonly policy?: string;
  /** More lpprov environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  readonly client?: ScimClientOptions;
}

/** A LastPass command as it reached the simulator. */
export interface SentCommand {
  readonly cmd: string;
  readonly data: unknown;
  readonly outcome: string;
}

/** The LastPass account of a user as the simulator holds it (`GET /_simulator/state`). */
export interface SimAccount {
  readonly username: string;
  readonly fullname: string | null;
  readonly status: string;
  readonly disabled: boolean;
  readonly deleted: boolean;
  readonly removed: boolean;
  readonly groups: readonly string[];
}

/**
 * lpprov started in-process on a fresh database with a SCIM token, against its own LastPass
 * simulator, dispatching at once (no rate limit, short polls) so that the commands a SCIM request
 * causes reach the simulator within a test.
 */
export class ScimRig {
  readonly engine: Engine;
  readonly scim: ScimClient;
  readonly lpprov: RunningLpprov;
  readonly simulator: RunningSimulator;
  readonly testDb: TestDatabase;
  readonly logs: CapturedLogs;
  readonly #dir: string;

  private constructor(engine: Engine, lpprov: RunningLpprov, simulator: RunningSimulator, testDb: TestDatabase, logs: CapturedLogs, dir: string, client: ScimClientOptions) {
    this.engine = engine;
    this.lpprov = lpprov;
    this.simulator = simulator;
    this.testDb = testDb;
    this.logs = logs;
    this.#dir = dir;
    this.scim = new ScimClient(`${lpprov.httpUrl}/scim/v2`, SCIM_TOKEN, client);
  }

  static async start(options: ScimRigOptions = {}): Promise<ScimRig> {
    const engine = options.engine ?? 'sqlite';
    const dir = mkdtempSync(join(tmpdir(), 'lpprov-scim-'));
    let policyFile: string | undefined;
    if (options.policy !== undefined) {
      policyFile = join(dir, 'policy.yaml');
      writeFileSync(policyFile, options.policy);
    }
    const simulator = await startSimulator({ ...CREDENTIALS, port: 0 });
    const testDb = await createTestDatabase(engine);
    const logs = captureLogs('warn');
    try {
      const lpprov = await startLpprov(
        loadConfig({
          LASTPASS_URL: simulator.endpoint,
          LASTPASS_CID: CREDENTIALS.cid,
          LASTPASS_PROVHASH: CREDENTIALS.provhash,
          DATABASE_URL: testDb.databaseUrl,
          SCIM_TOKENS: SCIM_TOKEN,
          PORT: '0',
          // Dispatch as soon as a command is written: the tests wait for the outbox to drain.
          LASTPASS_RATE_PER_SECOND: '0',
          DISPATCH_POLL_MS: '50',
          DISPATCH_GATHER_MS: '0',
          ...(policyFile === undefined ? {} : { POLICY_FILE: policyFile }),
          ...options.env,
        }),
        { logger: logs.logger },
      );
      return new ScimRig(engine, lpprov, simulator, testDb, logs, dir, options.client ?? {});
    } catch (error) {
      await simulator.stop();
      await testDb.dispose();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Waits until every command that is due has been dispatched. A SCIM answer comes after the
   * commit that wrote the commands, so once the outbox has no due pending or in-flight row, every
   * command the requests so far caused has reached the simulator.
   */
  async settle(timeoutMs = 60_000): Promise<void> {
    try {
      await waitFor(
        async () => {
          const [row] = await this.testDb.db.query<{ n: unknown }>(
            "SELECT COUNT(*) AS n FROM outbox WHERE status IN ('pending', 'in_flight') AND not_before <= $1",
            [Date.now()],
          );
          return Number(row?.n) === 0;
        },
        { timeoutMs, intervalMs: 20, description: 'the outbox to drain' },
      );
    } catch (error) {
      // A command held behind a dead one (per-person order) never drains: say which.
      const rows = await this.testDb.db.query("SELECT id, person_id, kind, status, attempts, last_error FROM outbox WHERE status <> 'done' ORDER BY id");
      throw new Error(`${(error as Error).message}; commands not done: ${JSON.stringify(rows)}`, { cause: error });
    }
  }

  /** The newest call's sequence number: pass it to `sentSince` to see what a step caused. */
  async mark(): Promise<number> {
    const calls = await simulatorCalls(this.simulator.url);
    return calls.at(-1)?.seq ?? 0;
  }

  /** LastPass write commands the simulator received after `mark`, in order (after `settle`). */
  async sentSince(mark: number): Promise<SentCommand[]> {
    await this.settle();
    const response = await fetch(`${this.simulator.url}/_simulator/calls?since=${mark}`);
    const { calls } = (await response.json()) as { calls: SimCall[] };
    return calls.filter((call) => WRITE_COMMANDS.has(call.cmd)).map((call) => ({ cmd: call.cmd, data: call.data, outcome: call.outcome }));
  }

  /** The user's LastPass account, or undefined when LastPass never had it. */
  async account(username: string): Promise<SimAccount | undefined> {
    const response = await fetch(`${this.simulator.url}/_simulator/state?username=${encodeURIComponent(username)}`);
    const { users } = (await response.json()) as { users: SimAccount[] };
    // Current account first, then former ones (the state lists both).
    return users[0];
  }

  /** Commands lpprov gave up on, with the reason (a test that expects none prints these). */
  async deadCommands(): Promise<{ kind: string; person_id: string; last_error: string | null }[]> {
    return this.testDb.db.query("SELECT kind, person_id, last_error FROM outbox WHERE status = 'dead' ORDER BY id");
  }

  /** lpprov's warn and error log lines so far, for failure messages. */
  logText(): string {
    return this.logs.text();
  }

  async stop(): Promise<void> {
    await this.lpprov.stop();
    await this.simulator.stop();
    await this.testDb.dispose();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/**
 * One readable line per user a command touched, sorted, so that a test can compare what reached
 * LastPass without depending on how the dispatcher split or merged batch calls:
 * `batchadd ann@x.example "Ann Lee" groups=[]`, `batchchangegrp ann@x.example +A -B`,
 * `disableuser ann@x.example`, `updateuser ann@x.example "Ann Smith"`, `deluser ann@x.example 2`.
 * A call LastPass did not accept says so: `… (fail)`.
 */
export function effectLines(sent: readonly SentCommand[]): string[] {
  const lines: string[] = [];
  for (const { cmd, data, outcome } of sent) {
    const suffix = outcome === 'ok' ? '' : ` (${outcome})`;
    for (const entry of Array.isArray(data) ? (data as unknown[]) : [data]) lines.push(`${effectLine(cmd, entry)}${suffix}`);
  }
  return lines.sort();
}

function effectLine(cmd: string, entry: unknown): string {
  if (typeof entry === 'string') return `${cmd} ${entry}`;
  const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
  const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
  switch (cmd) {
    case 'batchadd':
      return `batchadd ${String(e.username)} ${JSON.stringify(e.fullname ?? null)} groups=[${list(e.groups).join(',')}]`;
    case 'updateuser':
      return `updateuser ${String(e.username)} ${JSON.stringify(e.fullname ?? null)}`;
    case 'batchchangegrp':
      return `batchchangegrp ${String(e.username)} ${[...list(e.add).map((g) => `+${g}`), ...list(e.del).map((g) => `-${g}`)].join(' ')}`;
    case 'deluser':
      return `deluser ${String(e.username)} ${String(e.deleteaction)}`;
    case 'updateemail':
      return `updateemail ${String(e.oldemail)} -> ${String(e.newemail)}`;
    default:
      return `${cmd} ${JSON.stringify(entry)}`;
  }
}
