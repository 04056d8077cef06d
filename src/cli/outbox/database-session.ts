import { existsSync } from 'node:fs';

import type { Config } from '../../config/config.ts';
import { ConfigError } from '../../config/config-error.ts';
import { loadConfig } from '../../config/load-config.ts';
import { openDatabase } from '../../db/open-database.ts';
import type { SqlDatabase } from '../../db/sql-database.ts';

import { describeDatabase, withoutPassword } from './database-target.ts';
import { CliError, UsageError } from './errors.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { appliedMigration, latestMigration } from './schema-version.ts';

export interface DatabaseSession {
  readonly db: SqlDatabase;
  /** The dispatcher's key for pauses and the breaker: LASTPASS_CID, or 'simulator' without credentials (as in src/main.ts). */
  readonly account: string;
  /** The database as messages name it, never with its password. */
  readonly target: string;
}

export interface SessionOptions {
  /**
   * `migrate` creates the database and its schema; every other command needs both to exist
   * already, so a mistyped DATABASE_URL does not leave an empty SQLite file behind.
   */
  readonly create: boolean;
}

/**
 * The connection attempt is still pending and would hold the process (and a pool close) until the
 * operating system gives up on it, so the process exits without closing anything.
 */
class UnreachableDatabase extends UsageError {}

// pg has no connect timeout by default; an operator should not wait minutes for a wrong host.
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Runs one command against lpprov's database: reads the configuration, opens and checks the
 * database, runs `action`, and turns what it returns or throws into the exit status (set, not
 * forced, so that stdout drains and the pool closes first). Errors go to stderr as one line.
 */
export async function runWithDatabase(
  options: SessionOptions,
  action: (session: DatabaseSession) => Promise<ExitCode | void>,
): Promise<void> {
  quietOnClosedPipe();
  let config: Config | undefined;
  let db: SqlDatabase | undefined;
  try {
    config = loadConfig(process.env);
    const target = describeDatabase(config.database);
    db = await connect(config, target, options);
    if (!options.create) await requireCurrentSchema(db, target);
    const account = config.lastpass.cid ?? 'simulator';
    process.exitCode = (await action({ db, account, target })) ?? EXIT.ok;
  } catch (error) {
    const failure = describeFailure(error);
    const message = config === undefined ? failure.message : withoutPassword(failure.message, config.database);
    process.stderr.write(`lpprov: ${message}\n`);
    process.exitCode = failure.exitCode;
    if (error instanceof UnreachableDatabase) process.exit(failure.exitCode);
  } finally {
    await db?.close().catch(() => undefined);
  }
}

async function connect(config: Config, target: string, options: SessionOptions): Promise<SqlDatabase> {
  const database = config.database;
  if (!options.create && database.kind === 'sqlite' && database.path !== ':memory:' && !existsSync(database.path)) {
    throw new UsageError(`there is no lpprov database at ${database.path}: set DATABASE_URL, or create it with lpprov migrate`);
  }
  let db: SqlDatabase;
  try {
    db = openDatabase(database);
  } catch (error) {
    throw new UsageError(`cannot open the database (${target}): ${messageOf(error)}`);
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), CONNECT_TIMEOUT_MS);
  });
  try {
    const answer = await Promise.race([db.query('SELECT 1'), timeout]);
    if (answer === 'timeout') {
      throw new UnreachableDatabase(`cannot reach the database (${target}): no answer within ${CONNECT_TIMEOUT_MS / 1000} s`);
    }
    return db;
  } catch (error) {
    if (error instanceof UnreachableDatabase) throw error;
    await db.close().catch(() => undefined);
    throw new UsageError(`cannot reach the database (${target}): ${messageOf(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

async function requireCurrentSchema(db: SqlDatabase, target: string): Promise<void> {
  const applied = await appliedMigration(db);
  if (applied === undefined) {
    throw new UsageError(`the database (${target}) has no lpprov schema: run lpprov migrate first`);
  }
  const latest = await latestMigration(db.dialect);
  if (applied < latest) {
    throw new UsageError(`the database schema is at migration ${applied}, this lpprov needs ${latest}: run lpprov migrate`);
  }
}

function describeFailure(error: unknown): { exitCode: ExitCode; message: string } {
  if (error instanceof ConfigError) return { exitCode: EXIT.failure, message: error.message };
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message };
  // A statement failed mid-command (connection lost, a bug): exit 1 with the driver's message.
  return { exitCode: EXIT.failure, message: `database error: ${messageOf(error)}` };
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    // pg reports a refused connection to every address of a host together, with an empty message.
    return [...new Set(error.errors.map(messageOf))].join('; ');
  }
  if (error instanceof Error) return error.message === '' ? error.name : error.message;
  return String(error);
}

/** `lpprov outbox list | head` closes stdout early; that is the reader's choice, not an error. */
function quietOnClosedPipe(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? EXIT.ok);
  });
}
