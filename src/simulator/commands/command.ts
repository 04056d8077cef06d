import type { BehaviourSettings } from '../behaviour-settings.ts';
import type { BatchCommand } from '../fault-settings.ts';
import type { SimulatorState } from '../state/simulator-state.ts';
import type { UpdateEmailLimiter } from '../update-email-limiter.ts';

/** What a command handler gets: the request's `data` and the account it acts on. */
export interface CommandContext {
  readonly data: unknown;
  readonly state: SimulatorState;
  readonly behaviour: BehaviourSettings;
  readonly batchMax: Readonly<Record<BatchCommand, number | null>>;
  readonly updateEmailLimiter: UpdateEmailLimiter;
  /** Source IP of the call: the IP_Address of the events it causes, and updateemail's limit key. */
  readonly remoteAddress: string;
}

/** `partial`: some entries applied and some refused (WARN, or success with `error`). */
export type ReplyOutcome = 'ok' | 'partial' | 'fail';

export interface CommandReply {
  /** Sent as PHP-style JSON with HTTP 200. */
  readonly body: unknown;
  /** The body's status field, null for data replies that carry none. */
  readonly status: string | null;
  readonly outcome: ReplyOutcome;
}

export type CommandHandler = (ctx: CommandContext) => CommandReply;
