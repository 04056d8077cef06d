import { BATCHABLE_KINDS, type CommandKind } from '../core/commands.ts';
import type { CommandOutcome, LastPassGateway } from '../core/lastpass-gateway.port.ts';
import type { Clock } from '../core/ports.ts';
import type { Logger } from '../observability/logger.ts';
import { type BackoffSettings, backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
import type { ClaimedCommand, OutboxStore } from './outbox.store.ts';

export interface DispatcherSettings {
  /** Identifies this dispatcher's leases; unique per process. */
  readonly owner: string;
  /** Most commands merged into one batch call, and claimed per round. */
  readonly batchSize: number;
  readonly leaseMs: number;
  /** Longest sleep between rounds when idle; `wake()` cuts it short. */
  readonly pollMs: number;
  /** How long dispatch pauses after LastPass refused the credentials. */
  readonly authPauseMs: number;
  readonly backoff: BackoffSettings;
}

export const DEFAULT_DISPATCHER_SETTINGS: Omit<DispatcherSettings, 'owner'> = {
  batchSize: 200,
  leaseMs: 60_000,
  pollMs: 1_000,
  authPauseMs: 30_000,
  backoff: DEFAULT_BACKOFF,
};

export interface DispatcherDeps {
  readonly store: OutboxStore;
  readonly gateway: LastPassGateway;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Drains the outbox: claims due commands under lease, sends commands of one batchable kind
 * together, and records each command's outcome (done, retry with backoff, dead-lettered).
 */
export class Dispatcher {
  readonly #deps: DispatcherDeps;
  readonly #settings: DispatcherSettings;
  readonly #logger: Logger;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #pausedUntil = 0;

  constructor(deps: DispatcherDeps, settings: DispatcherSettings) {
    this.#deps = deps;
    this.#settings = settings;
    this.#logger = deps.logger.child({ component: 'dispatcher', owner: settings.owner });
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Finishes the round in progress, then resolves. Leases of unfinished work simply expire. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
  }

  /** New work was enqueued: do not wait for the poll interval. */
  wake(): void {
    this.#wake?.();
  }

  /** One claim-and-send round; returns how many commands it handled. */
  async runOnce(): Promise<number> {
    const { store, clock } = this.#deps;
    const now = clock.now();
    if (now < this.#pausedUntil) return 0;
    const claimed = await store.claim(this.#settings.owner, this.#settings.batchSize, this.#settings.leaseMs, now);
    for (const group of groupForSending(claimed, this.#settings.batchSize)) {
      const outcomes = await this.#deps.gateway.execute(group.map((c) => c.command));
      await this.#record(group, outcomes);
    }
    return claimed.length;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let handled = 0;
      try {
        handled = await this.runOnce();
      } catch (error) {
        this.#logger.error({ err: error }, 'dispatch round failed; retrying after the poll interval');
      }
      if (handled === 0 && this.#running) await this.#sleep(this.#settings.pollMs);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.#wake = finish;
    });
  }

  async #record(group: readonly ClaimedCommand[], outcomes: readonly CommandOutcome[]): Promise<void> {
    const { store, clock } = this.#deps;
    const { owner, backoff } = this.#settings;
    const now = clock.now();
    const done: number[] = [];
    for (const [index, claimed] of group.entries()) {
      const outcome: CommandOutcome = outcomes[index] ?? {
        status: 'retry',
        reason: 'the gateway returned no outcome for this command',
      };
      const log = this.#logger.child({ outboxId: claimed.id, personId: claimed.personId, kind: claimed.command.kind });
      switch (outcome.status) {
        case 'done':
          done.push(claimed.id);
          break;
        case 'retry':
          if (claimed.attempts >= backoff.maxAttempts) {
            log.error({ attempts: claimed.attempts, reason: outcome.reason }, 'command dead-lettered after its last attempt');
            await store.deadLetter(claimed.id, owner, `gave up after ${claimed.attempts} attempts: ${outcome.reason}`, now);
          } else {
            const delay = Math.max(outcome.retryAfterMs ?? 0, backoffDelay(claimed.attempts, backoff));
            log.warn({ attempts: claimed.attempts, delayMs: delay, reason: outcome.reason }, 'command will be retried');
            await store.retryLater(claimed.id, owner, now + delay, outcome.reason, now);
          }
          break;
        case 'failed':
          log.error({ reason: outcome.reason }, 'command dead-lettered: LastPass refused it');
          await store.deadLetter(claimed.id, owner, outcome.reason, now);
          break;
        case 'auth_failed':
          // Every call for the account would fail the same way: pause instead of burning attempts.
          this.#pausedUntil = now + this.#settings.authPauseMs;
          log.error({ pauseMs: this.#settings.authPauseMs }, 'LastPass refused the credentials; dispatch paused');
          await store.retryLater(claimed.id, owner, this.#pausedUntil, outcome.reason, now, false);
          break;
      }
    }
    await store.complete(done, owner, now);
  }
}

/** Splits claimed commands into calls: one per batchable kind (up to `batchSize`), one per other command. */
export function groupForSending(claimed: readonly ClaimedCommand[], batchSize: number): ClaimedCommand[][] {
  const groups: ClaimedCommand[][] = [];
  const open = new Map<CommandKind, ClaimedCommand[]>();
  for (const item of claimed) {
    const kind = item.command.kind;
    if (!BATCHABLE_KINDS.has(kind)) {
      groups.push([item]);
      continue;
    }
    let group = open.get(kind);
    if (group === undefined || group.length >= batchSize) {
      group = [];
      open.set(kind, group);
      groups.push(group);
    }
    group.push(item);
  }
  return groups;
}
