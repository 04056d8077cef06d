import { setTimeout as sleep } from 'node:timers/promises';

import { SqlUnitOfWork } from '../../src/db/sql-unit-of-work.ts';
import { DEFAULT_DISPATCHER_SETTINGS } from '../../src/outbox/dispatcher-settings.ts';
import type { OutboxStatus } from '../../src/outbox/outbox.store.ts';
import type { Tally } from './instruments.ts';
import type { BenchOptions, Mode } from './options.ts';
import { type BenchPerson, commandFor, existingAccountFor, type Mix, mixFor, peopleFor, personRecordFor } from './people-mix.ts';
import { DispatchRig } from './rig.ts';
import { seedUsers, type SimCall, simulatorCalls, type SimUser, simulatorUsers } from './simulator-control.ts';

/** How often the drain check looks at the outbox; the resolution of the wall time. */
export const DRAIN_POLL_MS = 10;
const ENQUEUE_CHUNK = 500;

export interface ModeResult {
  readonly mode: Mode;
  readonly batchSize: number;
  readonly maxInFlight: number;
  readonly mix: Mix;
  readonly people: readonly BenchPerson[];
  /** Seeding the simulator and enqueueing: before the clock starts. */
  readonly setupMs: number;
  readonly wallMs: number;
  readonly calls: readonly SimCall[];
  readonly users: readonly SimUser[];
  readonly statuses: Record<OutboxStatus, number>;
  /** Dispatch attempts by outcome (done, retry, failed, auth_failed), from the dispatcher's metrics. */
  readonly attempts: Record<string, number>;
  readonly claims: Tally;
  readonly completes: Tally;
  readonly gateway: Tally;
  readonly claimedRows: number;
  readonly logLines: number;
  readonly firstLogLines: readonly string[];
}

/** One mode from scratch: its own database, simulator and dispatcher. */
export async function runMode(mode: Mode, options: BenchOptions): Promise<ModeResult> {
  const mix = mixFor(options.people);
  const people = peopleFor(mix);
  const batchSize = mode === 'batching' ? DEFAULT_DISPATCHER_SETTINGS.batchSize : 1;
  const rig = await DispatchRig.start({
    batchSize,
    rate: options.rate,
    burst: options.burst,
    latency: options.latency,
    // Room for every command alone plus retries, so the log never drops a call we count.
    callLogLimit: Math.max(100_000, options.people * 3),
  });
  try {
    const setupStarted = performance.now();
    await seedUsers(
      rig.simulator.url,
      people.flatMap((person) => existingAccountFor(person) ?? []),
    );
    await enqueue(rig, people);
    const setupMs = performance.now() - setupStarted;

    const started = performance.now();
    rig.dispatcher.start();
    await drained(rig, deadlineMs(options));
    const wallMs = performance.now() - started;
    await rig.dispatcher.stop();

    return {
      mode,
      batchSize,
      maxInFlight: rig.settings.maxInFlight,
      mix,
      people,
      setupMs,
      wallMs,
      calls: await simulatorCalls(rig.simulator.url),
      users: await simulatorUsers(rig.simulator.url),
      statuses: await rig.admin.countByStatus(),
      attempts: await attemptsByOutcome(rig),
      claims: rig.storeTimings.claims,
      completes: rig.storeTimings.completes,
      gateway: rig.gateway.executions,
      claimedRows: rig.storeTimings.claimedRows,
      logLines: rig.logs.lines,
      firstLogLines: rig.logs.first,
    };
  } finally {
    await rig.dispose();
  }
}

/** Each person's row and command, as the use case writes them; many people per transaction for speed. */
async function enqueue(rig: DispatchRig, people: readonly BenchPerson[]): Promise<void> {
  const unitOfWork = new SqlUnitOfWork(rig.db);
  for (let from = 0; from < people.length; from += ENQUEUE_CHUNK) {
    const chunk = people.slice(from, from + ENQUEUE_CHUNK);
    const now = Date.now();
    await unitOfWork.run(async (scope) => {
      for (const person of chunk) {
        await scope.people.save(personRecordFor(person), now);
        await scope.outbox.enqueue(person.personId, [{ command: commandFor(person), idempotencyKey: `bench-${person.personId}-1` }], now);
      }
    });
  }
}

/** Resolves once no command is pending or in flight; throws past the deadline. */
async function drained(rig: DispatchRig, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const [row] = await rig.db.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM outbox WHERE status IN ('pending', 'in_flight')");
    if (Number(row?.n) === 0) return;
    if (performance.now() > deadline) {
      throw new Error(`the outbox did not drain within ${Math.round(timeoutMs / 1000)} s: ${Number(row?.n)} commands still pending or in flight`);
    }
    await sleep(DRAIN_POLL_MS);
  }
}

/** Generous: two minutes plus three times what one call per command would take at the rate limit. */
function deadlineMs(options: BenchOptions): number {
  const floor = options.rate > 0 ? (options.people / options.rate) * 1000 : 0;
  return 120_000 + 3 * floor;
}

async function attemptsByOutcome(rig: DispatchRig): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const value of (await rig.metrics.commandOutcomes.get()).values) {
    const outcome = String(value.labels.outcome ?? 'unknown');
    counts[outcome] = (counts[outcome] ?? 0) + value.value;
  }
  return counts;
}
