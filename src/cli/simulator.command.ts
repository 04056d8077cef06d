import { InvalidArgumentError, Option, type Command } from 'commander';

import {
  BATCH_COMMANDS,
  FAULT_KINDS,
  startSimulator,
  type BatchaddExisting,
  type BehaviourSettingsUpdate,
  type FaultKind,
  type FaultSettingsUpdate,
} from '../simulator/index.ts';

interface SimulatorFlags {
  port: number;
  host: string;
  cid: string;
  provhash?: string;
  latency?: { minMs: number; maxMs: number };
  rateLimit?: number;
  burst?: number;
  fault: Partial<Record<FaultKind, number>>;
  slowMs?: number;
  retryAfter?: number;
  seed?: number;
  maxBatch: Record<string, number>;
  authBroken?: boolean;
  /** Commander's `choices` only lets the three modes through. */
  batchaddExisting?: BatchaddExisting;
  autoCreateGroups: boolean;
  invitedInUsers: boolean;
  enableReversesDeactivate?: boolean;
  maxPageSize?: number;
  logCalls?: boolean;
}

function nonNegative(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number >= 0');
  return n;
}

function integer(value: string): number {
  const n = nonNegative(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected a whole number');
  return n;
}

/** "50" (fixed) or "20-200" (random in range), in ms. */
function latency(value: string): { minMs: number; maxMs: number } {
  const [min = '', max = min] = value.split('-');
  return { minMs: nonNegative(min), maxMs: nonNegative(max) };
}

/** Repeatable "kind=probability", e.g. --fault http503=0.05 --fault drop=0.01. */
function fault(value: string, previous: Partial<Record<FaultKind, number>>): Partial<Record<FaultKind, number>> {
  const [kind = '', probability = ''] = value.split('=');
  const known = FAULT_KINDS.find((k) => k === kind);
  if (known === undefined) throw new InvalidArgumentError(`expected <kind>=<0..1> with kind one of ${FAULT_KINDS.join(', ')}`);
  return { ...previous, [known]: nonNegative(probability) };
}

/** Repeatable "n" (every batch command) or "command=n". */
function maxBatch(value: string, previous: Record<string, number>): Record<string, number> {
  const [left = '', right] = value.split('=');
  if (right === undefined) return Object.fromEntries(BATCH_COMMANDS.map((cmd) => [cmd, integer(left)]));
  if (!(BATCH_COMMANDS as readonly string[]).includes(left)) {
    throw new InvalidArgumentError(`expected <n> or <command>=<n> with command one of ${BATCH_COMMANDS.join(', ')}`);
  }
  return { ...previous, [left]: integer(right) };
}

function faultSettings(flags: SimulatorFlags): FaultSettingsUpdate {
  return {
    ...(flags.latency === undefined ? {} : { latency: flags.latency }),
    ...(flags.rateLimit === undefined
      ? {}
      : { rateLimit: { requestsPerSecond: flags.rateLimit, ...(flags.burst === undefined ? {} : { burst: flags.burst }) } }),
    probabilities: flags.fault,
    ...(flags.slowMs === undefined ? {} : { slowMs: flags.slowMs }),
    ...(flags.retryAfter === undefined ? {} : { retryAfterSeconds: flags.retryAfter }),
    ...(flags.seed === undefined ? {} : { seed: flags.seed }),
    batchMax: flags.maxBatch,
    ...(flags.authBroken === true ? { authBroken: true } : {}),
  };
}

function behaviourSettings(flags: SimulatorFlags): BehaviourSettingsUpdate {
  return {
    autoCreateGroups: flags.autoCreateGroups,
    invitedInUsers: flags.invitedInUsers,
    ...(flags.batchaddExisting === undefined ? {} : { batchaddExisting: flags.batchaddExisting }),
    ...(flags.enableReversesDeactivate === true ? { enableReversesDeactivate: true } : {}),
    ...(flags.maxPageSize === undefined ? {} : { maxPageSize: flags.maxPageSize }),
  };
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve(signal);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

async function run(this: Command, flags: SimulatorFlags): Promise<void> {
  if (flags.provhash === undefined || flags.provhash === '') {
    this.error('error: no provisioning hash: pass --provhash <hash> or set LPPROV_SIMULATOR_PROVHASH', { exitCode: 1 });
  }
  let sim;
  try {
    sim = await startSimulator({
      cid: flags.cid,
      provhash: flags.provhash,
      port: flags.port,
      host: flags.host,
      faults: faultSettings(flags),
      behaviour: behaviourSettings(flags),
      ...(flags.logCalls === true ? { onCall: (call) => process.stdout.write(`${JSON.stringify(call)}\n`) } : {}),
    });
  } catch (error) {
    this.error(`error: ${error instanceof Error ? error.message : String(error)}`, { exitCode: 1 });
  }
  process.stdout.write(`LastPass Enterprise API simulator listening on ${sim.endpoint} (cid ${flags.cid})\n`);
  await untilSignal();
  await sim.stop();
  process.exitCode = 0;
}

export function registerSimulatorCommand(program: Command): void {
  program
    .command('simulator')
    .description('Run the LastPass Enterprise API simulator (docs/simulator.md); stops on SIGTERM/SIGINT.')
    .option('--port <port>', 'port to listen on (0: a free one)', integer, 8081)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--cid <cid>', 'account number the simulated account has', '8771312')
    .addOption(new Option('--provhash <hash>', 'provisioning hash to accept').env('LPPROV_SIMULATOR_PROVHASH'))
    .option('--latency <ms>', 'delay of every answer: "50" or a random range "20-200"', latency)
    .option('--rate-limit <rps>', 'requests per second per account, above it HTTP 429 + Retry-After', nonNegative)
    .option('--burst <n>', 'token-bucket size of the rate limit (default: the rate)', integer)
    .addOption(
      new Option('--fault <kind=p>', `fault probability, repeatable; kinds: ${FAULT_KINDS.join(', ')}`)
        .argParser(fault)
        .default({}, 'none'),
    )
    .option('--slow-ms <ms>', 'extra delay of a "slow" fault', nonNegative)
    .option('--retry-after <s>', 'Retry-After seconds of injected http429 faults', integer)
    .option('--seed <n>', 'seed of the random generator, for reproducible faults and latencies', integer)
    .addOption(
      new Option('--max-batch <n|cmd=n>', `largest batch, repeatable; commands: ${BATCH_COMMANDS.join(', ')}`)
        .argParser(maxBatch)
        .default({}, 'no limit'),
    )
    .option('--auth-broken', 'answer every call with the authorization error')
    .addOption(new Option('--batchadd-existing <mode>', 'batchadd of an existing user').choices(['upsert', 'ignore', 'error']))
    .option('--no-auto-create-groups', 'refuse unknown groups instead of creating them')
    .option('--no-invited-in-users', 'list invited users only under "invited", not in getuserdata Users')
    .option('--enable-reverses-deactivate', 'let enableuser lift a deluser deleteaction 0')
    .option('--max-page-size <n>', 'cut getuserdata pages to this size', integer)
    .option('--log-calls', 'print every call as a JSON line (secrets masked)')
    .action(run);
}
