import { setTimeout as sleep } from 'node:timers/promises';

import { addressOf, whenUnknown } from '../core/account-identity.ts';
import { BATCHABLE_KINDS, type CommandKind, isRemoval, type LastPassCommand } from '../core/commands.ts';
import type { CommandOutcome, LastPassGateway } from '../core/lastpass-gateway.port.ts';
import type { AccountAddressBook, Clock } from '../core/ports.ts';
import type { Logger } from '../observability/logger.ts';
import type { LpprovMetrics } from '../observability/metrics.ts';
import type { AccountControl, AccountState } from './account-control.store.ts';
import { backoffDelay } from './backoff.ts';
import { breakerTrip, DESTRUCTIVE_KINDS } from './breaker.ts';
import type { DispatcherSettings } from './dispatcher-settings.ts';
import type { ClaimedCommand, OutboxStore } from './outbox.store.ts';
import type { PreconditionCheck } from './precondition-check.ts';
import type { RateLimiter } from './rate-limiter.ts';

/**
 * Kinds whose effect LastPass cannot de-duplicate: each sends the person an email. They are sent
 * at most once per idempotency key, except when lpprov dies between a successful call and the
 * commit that records it (docs/outbox.md).
 */
/**
 * Commands that email the person each time they are sent: one whose answer may have been applied
 * is not sent again automatically. An email change of an invitation nobody accepted is the
 * exception: it withdraws and invites, and each step counts as done when repeated.
 */
export function emailsOnEachSend(command: LastPassCommand): boolean {
  if (command.kind === 'update_email') return command.reinvite === undefined;
  return command.kind === 'reinvite_user' || command.kind === 'reset_password';
}

export interface DispatcherDeps {
  readonly store: OutboxStore;
  readonly control: AccountControl;
  readonly rateLimiter: RateLimiter;
  readonly gateway: LastPassGateway;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics?: LpprovMetrics;
  /** Re-checks scheduled commands when they fire; without it they run as planned. */
  readonly preconditions?: PreconditionCheck;
  /**
   * Where people's accounts are: a command LastPass refuses because it does not know the username
   * is sent again to the address the account is under. Without it, such a command is dead-lettered.
   */
  readonly accounts?: AccountAddressBook;
}

/**
 * Drains the outbox: claims due commands under lease (one per person at a time, leavers first),
 * merges those of one batchable kind into one call, keeps at most `maxInFlight` calls open within
 * the rate limit, and records each command's outcome: done, retried with persisted backoff, or
 * dead-lettered for an operator. Throttling and refused credentials pause the whole account.
 */
export class Dispatcher {
  readonly #deps: DispatcherDeps;
  readonly #settings: DispatcherSettings;
  readonly #logger: Logger;
  #running = false;
  /** stop() was called: what is claimed and not yet sent goes back to the queue. */
  #stopping = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #woken = false;
  /** This process's own view of a pause it set; other replicas' pauses come from the store. */
  #pausedUntil = 0;

  constructor(deps: DispatcherDeps, settings: DispatcherSettings) {
    this.#deps = deps;
    this.#settings = settings;
    this.#logger = deps.logger.child({ component: 'dispatcher', owner: settings.owner });
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stopping = false;
    this.#loop = this.#run();
  }

  /**
   * Lets the calls already sent finish and be recorded, hands the round's unsent commands back to
   * the queue at once (so another replica, or the next start, takes them without waiting for a
   * lease to expire), then resolves.
   */
  async stop(): Promise<void> {
    this.#running = false;
    this.#stopping = true;
    this.#wake?.();
    await this.#loop;
  }

  /** New work was enqueued: do not wait for the poll interval. */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  /** One claim-and-send round; returns how many commands it claimed. Also usable without start(). */
  async runOnce(): Promise<number> {
    const { store, control, clock } = this.#deps;
    const { owner, account, batchSize, maxInFlight, leaseMs } = this.#settings;
    const now = clock.now();
    const state = await control.state(account);
    this.#pausedUntil = Math.max(this.#pausedUntil, state.pausedUntil);
    if (this.#pausedUntil > now) return 0;

    const claimed = await store.claim(owner, batchSize * maxInFlight, leaseMs, now);
    if (claimed.length === 0) return 0;
    const current = await this.#passPreconditions(claimed, now);
    const sendable = await this.#passBreaker(current, state, now);

    const unfinished = new Set(sendable.map((c) => c.id));
    // A round can outlast a lease (rate limit, slow answers); keep the leases of what is left.
    const keepAlive = setInterval(() => {
      store.extendLeases([...unfinished], owner, clock.now() + leaseMs).catch((error: unknown) => {
        this.#logger.warn({ err: error }, 'could not extend leases');
      });
    }, leaseMs / 3);
    try {
      const groups = groupForSending(sendable, batchSize);
      await forEachConcurrently(groups, maxInFlight, async (group) => {
        await this.#send(group);
        for (const c of group) unfinished.delete(c.id);
      });
    } finally {
      clearInterval(keepAlive);
    }
    return claimed.length;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let claimed = 0;
      try {
        claimed = await this.runOnce();
      } catch (error) {
        this.#logger.error({ err: error }, 'dispatch round failed; trying again after the poll interval');
      }
      if (claimed > 0 || !this.#running) continue;
      const waitMs = Math.max(0, Math.min(this.#settings.pollMs, this.#pausedUntil - this.#deps.clock.now()));
      await this.#sleep(waitMs > 0 ? waitMs : this.#settings.pollMs);
      // New work tends to come in bursts (a Kafka batch, an IdP push): wait a moment so the
      // commands of many people share batch calls instead of each taking one.
      if (this.#woken && this.#running) await sleep(this.#settings.gatherMs);
      this.#woken = false;
    }
  }

  #sleep(ms: number): Promise<void> {
    if (this.#woken) return Promise.resolve();
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

  /** Cancels scheduled commands whose precondition no longer holds; returns the rest. */
  async #passPreconditions(claimed: readonly ClaimedCommand[], now: number): Promise<ClaimedCommand[]> {
    const check = this.#deps.preconditions;
    if (check === undefined || claimed.every((c) => c.precondition === undefined)) return [...claimed];
    const failing = await check.failing(claimed);
    if (failing.size === 0) return [...claimed];
    for (const [id, reason] of failing) {
      const command = claimed.find((c) => c.id === id);
      this.#logger.info(
        { outboxId: id, personId: command?.personId, kind: command?.command.kind, correlationId: command?.correlationId, reason },
        'scheduled command cancelled',
      );
      await this.#deps.store.cancelClaimed([id], this.#settings.owner, reason, now);
    }
    return claimed.filter((c) => !failing.has(c.id));
  }

  /** Parks destructive commands the mass-change breaker stops; returns the ones to send. */
  async #passBreaker(claimed: readonly ClaimedCommand[], state: AccountState, now: number): Promise<ClaimedCommand[]> {
    const { store, control, metrics } = this.#deps;
    const { breaker, owner, account } = this.#settings;
    const counted = claimed.filter((c) => DESTRUCTIVE_KINDS.includes(c.command.kind) && !c.approved);
    if (counted.length === 0 || !breaker.enabled) return [...claimed];

    let reason = state.breaker === 'open' ? (state.breakerReason ?? 'the mass-change breaker is open') : undefined;
    if (reason === undefined) {
      // The claim stamped these rows, so the count includes them.
      const recent = await store.countDispatchedSince(DESTRUCTIVE_KINDS, now - breaker.windowMs);
      reason = breakerTrip(recent, await store.countManagedAccounts(), breaker);
      if (reason !== undefined && (await control.openBreaker(account, reason, now))) {
        this.#logger.error({ reason }, 'mass-change breaker tripped: destructive commands are parked until an operator approves them');
      }
    }
    if (reason === undefined) {
      metrics?.breakerOpen.set(0);
      return [...claimed];
    }
    metrics?.breakerOpen.set(1);
    await store.park(
      counted.map((c) => c.id),
      owner,
      `parked by the mass-change breaker: ${reason}`,
      now,
    );
    for (const c of counted) metrics?.parkedCommands.inc({ kind: c.command.kind });
    const parked = new Set(counted.map((c) => c.id));
    return claimed.filter((c) => !parked.has(c.id));
  }

  async #send(group: readonly ClaimedCommand[]): Promise<void> {
    const { store, clock } = this.#deps;
    // Another call of this round may have been told to wait (Retry-After, refused credentials).
    if (this.#pausedUntil > clock.now()) {
      for (const c of group) {
        await store.retryLater(c.id, this.#settings.owner, this.#pausedUntil, 'dispatch paused', clock.now(), false);
      }
      return;
    }
    if (this.#stopping) return this.#release(group);
    await this.#deps.rateLimiter.acquire();
    // The wait for a token may have outlasted a stop request; a call not started is not started now.
    if (this.#stopping) return this.#release(group);
    const started = performance.now();
    const outcomes = await this.#deps.gateway.execute(group.map((c) => c.command));
    this.#logger.info(callLogFields(group, outcomes, performance.now() - started), 'LastPass call');
    await this.#record(group, outcomes);
  }

  /** Back to the queue, due now, without counting an attempt: the command was never sent. */
  async #release(group: readonly ClaimedCommand[]): Promise<void> {
    const now = this.#deps.clock.now();
    for (const c of group) await this.#deps.store.retryLater(c.id, this.#settings.owner, now, 'released unsent: lpprov was stopping', now, false);
    this.#logger.info({ commands: group.length }, 'released unsent commands to the queue while stopping');
  }

  async #record(group: readonly ClaimedCommand[], outcomes: readonly CommandOutcome[]): Promise<void> {
    const done = new Map<string | undefined, number[]>();
    // One jitter draw per call: the commands of one failed batch come due together and can share
    // a batch call again, instead of trickling back one by one.
    const jitter = Math.random();
    const now = this.#deps.clock.now();
    const authFailure = outcomes.find((o) => o.status === 'auth_failed');
    // Refused credentials are about the account, not the commands: pause once per call.
    const authPauseUntil = authFailure === undefined ? undefined : await this.#pauseForAuth(authFailure.reason, now);
    for (const [index, claimed] of group.entries()) {
      const outcome: CommandOutcome = outcomes[index] ?? {
        status: 'retry',
        reason: 'the gateway returned no outcome for this command',
        mayHaveApplied: true,
      };
      if (outcome.status === 'done' && outcome.userAbsent === true && this.#deps.accounts !== undefined) {
        // Nobody of that name: the removal is done, unless the account is under another address.
        const absent = { status: 'failed', reason: outcome.detail ?? 'no such user in LastPass', unknownUser: true } as const;
        await this.#resolveUnknownUser(claimed, absent, this.#deps.accounts, jitter, now);
      } else if (outcome.status === 'done') {
        if (outcome.movedTo !== undefined) await this.#deps.accounts?.moved(claimed.personId, addressOf(claimed.command), outcome.movedTo, now);
        // The account is gone: plans from now on start without it (a new start invites at its time).
        if (isRemoval(claimed.command) && outcome.accountKept !== true) await this.#deps.accounts?.ended(claimed.personId, addressOf(claimed.command), now);
        done.set(outcome.detail, [...(done.get(outcome.detail) ?? []), claimed.id]);
      }
      else if (outcome.status === 'failed' && outcome.unknownUser === true && this.#deps.accounts !== undefined) {
        await this.#resolveUnknownUser(claimed, outcome, this.#deps.accounts, jitter, now);
      } else if (outcome.status === 'auth_failed') {
        await this.#deps.store.retryLater(claimed.id, this.#settings.owner, authPauseUntil ?? now, outcome.reason, now, false);
      } else await this.#recordFailure(claimed, outcome, jitter, now);
      this.#deps.metrics?.commandOutcomes.inc({ kind: claimed.command.kind, outcome: outcome.status });
    }
    if (done.size > 0) {
      for (const [detail, ids] of done) await this.#deps.store.complete(ids, this.#settings.owner, now, detail);
      if (await this.#deps.control.clearAuthFailures(this.#settings.account, now)) {
        this.#logger.info('LastPass accepts the credentials again; dispatch resumed');
        this.#deps.metrics?.dispatchPaused.set({ reason: 'auth' }, 0);
      }
    }
  }

  /**
   * LastPass does not know the username the command addressed. The account is looked for under
   * every other address known for the person (a confirmed email change, an invitation sent again
   * to a new address); found, the person's commands go there and this one is sent again at once
   * (the attempt counts, so an account that keeps moving cannot keep it going round). Not found, the core decides (account-identity.ts, whenUnknown):
   * taking access away from an account that does not exist is done, anything else is dead.
   */
  async #resolveUnknownUser(
    claimed: ClaimedCommand,
    outcome: Extract<CommandOutcome, { status: 'failed' }>,
    accounts: AccountAddressBook,
    jitter: number,
    now: number,
  ): Promise<void> {
    const { store, gateway } = this.#deps;
    const { owner } = this.#settings;
    const log = this.#logger.child({ outboxId: claimed.id, personId: claimed.personId, kind: claimed.command.kind, correlationId: claimed.correlationId });
    const addressed = addressOf(claimed.command);
    const others = (await accounts.addressesOf(claimed.personId)).filter((address) => address !== addressed);
    const located = others.length === 0 ? ({ status: 'absent' } as const) : await gateway.locate(others);
    if (located.status === 'retry' || located.status === 'auth_failed') {
      // The lookup itself failed: try the command again later, as after any transient failure.
      const reason = `${outcome.reason}; looking the account up under ${others.join(', ')} failed: ${located.reason}`;
      await this.#recordFailure(claimed, { status: 'retry', reason, mayHaveApplied: false }, jitter, now);
      return;
    }
    const decision = whenUnknown(claimed.command, located.status === 'found' ? located.username : undefined, [addressed, ...others]);
    switch (decision.kind) {
      case 'readdress':
        await accounts.moved(claimed.personId, addressed, decision.to, now);
        log.info({ from: addressed, to: decision.to }, 'LastPass has the account under another address; the person\'s commands now address it');
        // The attempt counts, so that an account that keeps moving cannot keep the command going round.
        await store.retryLater(claimed.id, owner, now, `LastPass does not know ${addressed}; the account is under ${decision.to}`, now);
        return;
      case 'done':
        log.info({ detail: decision.detail }, 'command done: LastPass has no account for the person');
        if (isRemoval(claimed.command)) await accounts.ended(claimed.personId, addressed, now);
        await store.complete([claimed.id], owner, now, decision.detail);
        return;
      case 'invite': {
        const to = await accounts.invite(claimed.personId, claimed.id, now);
        if (to === undefined) {
          await store.deadLetter(claimed.id, owner, `${outcome.reason}; ${decision.detail}, but the person is not known`, now);
          return;
        }
        log.warn({ detail: decision.detail, to }, 'account gone from LastPass: the command became an invitation');
        await store.retryLater(claimed.id, owner, now, `${outcome.reason}; ${decision.detail} (${to})`, now);
        return;
      }
      case 'failed':
        log.error({ reason: outcome.reason }, 'command dead-lettered: LastPass has no account for the person');
        await store.deadLetter(claimed.id, owner, `${outcome.reason}; ${decision.reason}`, now);
        return;
    }
  }

  /** Pauses the account after refused credentials, longer each time in a row; returns until when. */
  async #pauseForAuth(reason: string, now: number): Promise<number> {
    const { control, metrics } = this.#deps;
    const { account, authPauseMs, maxAuthPauseMs } = this.#settings;
    const failures = await control.recordAuthFailure(account, now, reason, now);
    const pause = Math.min(maxAuthPauseMs, authPauseMs * 2 ** Math.max(0, failures - 1));
    const until = now + pause;
    await control.pause(account, until, `LastPass refused the credentials: ${reason}`, now);
    this.#pausedUntil = Math.max(this.#pausedUntil, until);
    metrics?.authFailures.inc();
    metrics?.dispatchPaused.set({ reason: 'auth' }, 1);
    this.#logger.error(
      { pauseMs: pause, consecutiveFailures: failures, alert: 'lastpass_auth_failed' },
      'LastPass refused the account number or provisioning hash; dispatch paused (check LASTPASS_CID and LASTPASS_PROVHASH)',
    );
    return until;
  }

  async #recordFailure(
    claimed: ClaimedCommand,
    outcome: Exclude<CommandOutcome, { status: 'done' }>,
    jitter: number,
    now: number,
  ): Promise<void> {
    const { store, control, metrics } = this.#deps;
    const { owner, account, backoff } = this.#settings;
    const log = this.#logger.child({
      outboxId: claimed.id,
      personId: claimed.personId,
      kind: claimed.command.kind,
      correlationId: claimed.correlationId,
    });
    switch (outcome.status) {
      case 'retry': {
        if (outcome.retryAfterMs !== undefined) {
          // Throttling is about the account, not this command: everyone waits, nobody burns an attempt.
          const until = now + outcome.retryAfterMs;
          this.#pausedUntil = Math.max(this.#pausedUntil, until);
          await control.pause(account, until, `LastPass asked to wait: ${outcome.reason}`, now);
          metrics?.dispatchPaused.set({ reason: 'throttled' }, 1);
          log.warn({ retryAfterMs: outcome.retryAfterMs }, 'LastPass throttled dispatch; the account waits');
          await store.retryLater(claimed.id, owner, until, outcome.reason, now, false);
        } else if (emailsOnEachSend(claimed.command) && outcome.mayHaveApplied) {
          log.error({ reason: outcome.reason }, 'command dead-lettered: it may have reached LastPass, and resending would email the person twice');
          await store.deadLetter(
            claimed.id,
            owner,
            `outcome unknown (${outcome.reason}); not resent automatically because LastPass would send the email again. Check the user, then 'lpprov outbox retry' or 'skip'.`,
            now,
          );
        } else if (claimed.attempts >= backoff.maxAttempts) {
          log.error({ attempts: claimed.attempts, reason: outcome.reason }, 'command dead-lettered after its last attempt');
          await store.deadLetter(claimed.id, owner, `gave up after ${claimed.attempts} attempts: ${outcome.reason}`, now);
        } else {
          const delay = backoffDelay(claimed.attempts, backoff, () => jitter);
          log.warn({ attempts: claimed.attempts, delayMs: delay, reason: outcome.reason }, 'command will be retried');
          await store.retryLater(claimed.id, owner, now + delay, outcome.reason, now);
        }
        return;
      }
      case 'failed':
        log.error({ reason: outcome.reason }, 'command dead-lettered: LastPass refused it');
        await store.deadLetter(claimed.id, owner, outcome.reason, now);
        return;
      case 'auth_failed':
        return; // handled for the whole call in #record
    }
  }
}

/**
 * The one info line per API call: which inputs it served (their correlation ids), how it went and
 * how long it took. `outcome` is the commands' common status, or `mixed` with counts per status.
 */
export function callLogFields(group: readonly ClaimedCommand[], outcomes: readonly CommandOutcome[], durationMs: number): Record<string, unknown> {
  const counts: Partial<Record<CommandOutcome['status'] | 'none', number>> = {};
  for (const [index] of group.entries()) {
    const status = outcomes[index]?.status ?? 'none';
    counts[status] = (counts[status] ?? 0) + 1;
  }
  const statuses = Object.keys(counts);
  return {
    command: group[0]?.command.kind,
    count: group.length,
    correlationIds: [...new Set(group.flatMap((c) => (c.correlationId === undefined ? [] : [c.correlationId])))],
    outcome: statuses.length === 1 ? statuses[0] : 'mixed',
    ...(statuses.length > 1 ? { outcomes: counts } : {}),
    durationMs: Math.round(durationMs),
  };
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

/** Runs `work` over `items` with at most `limit` running at once; rejects with the first failure. */
async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
