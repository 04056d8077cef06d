import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';

import type { Config } from '../../config/config.ts';
import { ConfigError } from '../../config/config-error.ts';
import { loadConfig } from '../../config/load-config.ts';
import { loadPolicy } from '../../config/policy-file.ts';
import type { Policy } from '../../core/policy/policy.ts';
import { migrate } from '../../db/migrate.ts';
import type { SqlDatabase } from '../../db/sql-database.ts';
import { SqliteDatabase } from '../../db/sqlite-database.ts';
import { createLogger } from '../../observability/logger.ts';
import { warn, writeJson, writeOut } from '../lastpass/output.ts';
import { runWithDatabase } from '../outbox/database-session.ts';
import { dryRun } from './dry-run.ts';
import { PLAN_EXIT, type PlanExitCode } from './plan-exit-codes.ts';
import { type PlanInput, parsePlanFile } from './plan-input.ts';
import { planJson } from './plan-json.ts';
import type { PlanReport } from './plan-report.ts';
import { renderPlan } from './plan-view.ts';

export interface PlanFlags {
  readonly json?: boolean;
  /** Epoch ms to plan at; undefined: now. */
  readonly at?: number;
}

/**
 * `lpprov plan <file>`: checks the file first (nothing is opened for an invalid one), then plans
 * it against the configured database, or an empty in-memory one when the SQLite file is missing.
 * Sets the exit status rather than exiting, so that stdout drains first.
 */
export async function runPlan(file: string, flags: PlanFlags): Promise<void> {
  quietOnClosedPipe();
  const inputs = await readInputs(file);
  if (inputs === undefined) {
    process.exitCode = PLAN_EXIT.invalid;
    return;
  }
  let config: Config;
  let policy: Policy;
  try {
    config = loadConfig(process.env);
    policy = await loadPolicy(config.policyFile);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    warn(error.message);
    process.exitCode = PLAN_EXIT.failure;
    return;
  }
  const at = flags.at ?? Date.now();
  const plan = async (db: SqlDatabase, database: string, emptyDatabase: boolean): Promise<PlanExitCode> => {
    // SCIM warnings (members ignored) and the cause of a 5xx answer, as lpprov start would log them.
    const logger = createLogger({ level: 'warn' }, process.stderr);
    const reports = await dryRun(db, inputs, { policy, at, logger });
    const report: PlanReport = { at, database, emptyDatabase, inputs: reports };
    if (flags.json === true) writeJson(planJson(report));
    else writeOut(renderPlan(report));
    return failedScim(report);
  };

  const database = config.database;
  if (database.kind === 'sqlite' && database.path !== ':memory:' && !existsSync(database.path)) {
    await planOnEmptyDatabase(database.path, plan);
    return;
  }
  await runWithDatabase({ create: false }, ({ db, target }) => plan(db, target, false));
}

/** The inputs of the file, or undefined after listing on stderr why there are none. */
async function readInputs(file: string): Promise<readonly PlanInput[] | undefined> {
  const name = file === '-' ? 'stdin' : file;
  let content: string;
  try {
    content = file === '-' ? await text(process.stdin) : await readFile(file, 'utf8');
  } catch (error) {
    warn(`cannot read ${name}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return undefined;
  }
  const parsed = parsePlanFile(content);
  if (parsed.ok) return parsed.inputs;
  for (const problem of parsed.problems) warn(`${name}: ${problem}`);
  return undefined;
}

/**
 * Without a database there is nothing to dedupe against and nobody is known, which is exactly
 * what an empty, migrated in-memory database says; the report says it was one. Nothing is created
 * at the configured path.
 */
async function planOnEmptyDatabase(
  path: string,
  plan: (db: SqlDatabase, database: string, empty: boolean) => Promise<PlanExitCode>,
): Promise<void> {
  const db = new SqliteDatabase(':memory:');
  try {
    await migrate(db);
    process.exitCode = await plan(db, `SQLite file ${path}`, true);
  } catch (error) {
    warn(`database error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = PLAN_EXIT.failure;
  } finally {
    await db.close();
  }
}

/** A SCIM answer of 5xx means the endpoint failed (its cause is logged): the plan is incomplete. */
function failedScim(report: PlanReport): PlanExitCode {
  const failed = report.inputs.filter((input) => input.kind === 'scim' && (input.response?.status ?? 0) >= 500);
  for (const input of failed) warn(`${input.where}: the SCIM endpoint failed on this request, so the plan is incomplete`);
  return failed.length > 0 ? PLAN_EXIT.failure : PLAN_EXIT.ok;
}

/** `lpprov plan … | head` closes stdout early; that is the reader's choice, not an error. */
function quietOnClosedPipe(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? PLAN_EXIT.ok);
  });
}
