import type { HrEvent } from '../core/events/hr-event.ts';

/** One input from an HR channel (Kafka message, webhook item), already decoded and validated. */
export type HrInput =
  | { readonly kind: 'event'; readonly event: HrEvent; readonly correlationId?: string }
  /** Could not be accepted; kept with its reason so nothing is lost and nobody else is blocked. */
  | { readonly kind: 'invalid'; readonly origin: string; readonly reason: string; readonly raw: string };

export type HrInputResult = 'applied' | 'duplicate' | 'stale' | 'dead_lettered';
