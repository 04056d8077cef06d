import { timingSafeEqual } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { applyBehaviourUpdate, type BehaviourSettings } from './behaviour-settings.ts';
import { CallLog, type CallRecord } from './call-log.ts';
import type { CommandContext } from './commands/command.ts';
import { FaultInjector } from './fault-injector.ts';
import type { FaultSettings, RateLimitSettings } from './fault-settings.ts';
import { SimulatorState } from './state/simulator-state.ts';
import { KeyedTokenBuckets } from './token-buckets.ts';
import { UpdateEmailLimiter } from './update-email-limiter.ts';

export interface SimulatorConfig {
  readonly cid: string;
  readonly provhash: string;
  readonly faults: FaultSettings;
  readonly behaviour: BehaviourSettings;
  readonly callLogLimit: number;
  readonly onCall?: (call: CallRecord) => void;
}

const bucketRule = (limit: RateLimitSettings | null) => ({
  perSecond: limit?.requestsPerSecond ?? 1,
  burst: limit?.burst ?? 1,
});

/** One simulated LastPass account with its controls; the HTTP layer drives it. */
export class Simulator {
  readonly cid: string;
  readonly state = new SimulatorState();
  readonly calls: CallLog;
  readonly faults: FaultInjector;
  readonly updateEmailLimiter: UpdateEmailLimiter;
  readonly onCall: ((call: CallRecord) => void) | undefined;
  readonly #provhash: Buffer;
  readonly #secrets: readonly string[];
  readonly #initial: SimulatorConfig;
  readonly #rateLimits: KeyedTokenBuckets;
  #behaviour: BehaviourSettings;

  constructor(config: SimulatorConfig) {
    this.#initial = config;
    this.cid = config.cid;
    this.#provhash = Buffer.from(config.provhash);
    this.#secrets = [config.provhash];
    this.calls = new CallLog(config.callLogLimit);
    this.faults = new FaultInjector(config.faults);
    this.#rateLimits = new KeyedTokenBuckets(bucketRule(config.faults.rateLimit));
    this.#behaviour = config.behaviour;
    this.updateEmailLimiter = new UpdateEmailLimiter(config.behaviour.updateEmailPerSecond);
    this.onCall = config.onCall;
  }

  /** Strings the simulator must never show (masked wherever they appear in request data). */
  get secrets(): readonly string[] {
    return this.#secrets;
  }

  get behaviour(): BehaviourSettings {
    return this.#behaviour;
  }

  /** cid as a number or numeric string (reference §1.3); provhash compared in constant time. */
  credentialsMatch(cid: unknown, provhash: unknown): boolean {
    const cidText = typeof cid === 'number' && Number.isInteger(cid) ? String(cid) : cid;
    if (cidText !== this.cid || typeof provhash !== 'string') return false;
    const given = Buffer.from(provhash);
    return given.length === this.#provhash.length && timingSafeEqual(given, this.#provhash);
  }

  /** 0 when the account may call now, else the ms until its bucket holds a token. */
  rateLimitWait(account: string): number {
    if (this.faults.settings.rateLimit === null) return 0;
    return this.#rateLimits.take(account, performance.now());
  }

  updateFaults(update: unknown): FaultSettings {
    const settings = this.faults.update(update);
    this.#rateLimits.setRule(bucketRule(settings.rateLimit));
    return settings;
  }

  updateBehaviour(update: unknown): BehaviourSettings {
    this.#behaviour = applyBehaviourUpdate(this.#behaviour, update);
    this.updateEmailLimiter.configure(this.#behaviour.updateEmailPerSecond);
    return this.#behaviour;
  }

  commandContext(data: unknown, remoteAddress: string): CommandContext {
    return {
      data,
      state: this.state,
      behaviour: this.#behaviour,
      batchMax: this.faults.settings.batchMax,
      updateEmailLimiter: this.updateEmailLimiter,
      remoteAddress,
    };
  }

  /** Empties state, calls and emails; settings go back to the start values only when asked. */
  reset(what: { readonly faults?: boolean; readonly behaviour?: boolean } = {}): void {
    this.state.reset();
    this.calls.clear();
    this.#rateLimits.clear();
    this.updateEmailLimiter.clear();
    if (what.faults === true) {
      this.faults.replace(this.#initial.faults);
      this.#rateLimits.setRule(bucketRule(this.#initial.faults.rateLimit));
    }
    if (what.behaviour === true) {
      this.#behaviour = this.#initial.behaviour;
      this.updateEmailLimiter.configure(this.#behaviour.updateEmailPerSecond);
    }
  }
}
