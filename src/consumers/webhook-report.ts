import type { HrInputResult } from '../app/hr-input.ts';
import type { WebhookItem } from './webhook-body.ts';

/** What happened to one item of a webhook request (docs/events.md, "Webhook"). */
export interface WebhookItemReport {
  readonly index: number;
  readonly id?: string;
  readonly source?: string;
  /** For a valid event: taken now, already taken before, or older than what is known. */
  readonly result?: 'applied' | 'duplicate' | 'stale';
  /** For an invalid item: why; the item was recorded as a dead letter. */
  readonly error?: string;
}

export interface WebhookReport {
  readonly accepted: number;
  readonly rejected: number;
  readonly results: readonly WebhookItemReport[];
}

/**
 * Pairs each item with its result (`results` is in the order of `items`). 202 when every item was
 * taken; 400 as soon as one was not, although the valid ones were taken all the same.
 */
export function webhookReport(
  items: readonly WebhookItem[],
  results: readonly HrInputResult[],
): { readonly status: 202 | 400; readonly body: WebhookReport } {
  const reports = items.map((item, position): WebhookItemReport => {
    const named = {
      index: item.index,
      ...(item.id === undefined ? {} : { id: item.id }),
      ...(item.source === undefined ? {} : { source: item.source }),
    };
    if (item.input.kind === 'invalid') return { ...named, error: item.input.reason };
    const result = results[position];
    switch (result) {
      case 'applied':
      case 'duplicate':
      case 'stale':
        return { ...named, result };
      default:
        // A valid event the use case did not take (dead-lettered by policy, or no answer at all).
        return { ...named, error: `the event was not applied (${result ?? 'no result'})` };
    }
  });
  const rejected = reports.filter((report) => report.error !== undefined).length;
  return {
    status: rejected > 0 ? 400 : 202,
    body: { accepted: reports.length - rejected, rejected, results: reports },
  };
}
