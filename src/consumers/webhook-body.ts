import type { HrInput } from '../app/hr-input.ts';
import { parseHrEvent } from '../core/events/hr-event.ts';

/** Dead letters from the webhook carry this origin (Kafka ones carry topic/partition/offset). */
export const WEBHOOK_ORIGIN = 'webhook';

/** One item of a webhook request, validated, with what the sender needs to recognise it. */
export interface WebhookItem {
  readonly index: number;
  readonly id: string | undefined;
  readonly source: string | undefined;
  readonly input: HrInput;
}

export type WebhookBody =
  | { readonly kind: 'items'; readonly items: readonly WebhookItem[] }
  /** Not JSON (or not UTF-8): one dead letter with the whole body. */
  | { readonly kind: 'malformed'; readonly input: Extract<HrInput, { kind: 'invalid' }> }
  | { readonly kind: 'too_many'; readonly count: number };

const utf8 = new TextDecoder('utf-8', { fatal: true });
// Echoed back to the sender to tell items apart; an oversized one is not worth echoing.
const MAX_ECHOED_LENGTH = 256;

/**
 * Decodes a webhook body: one CloudEvents structured event (a JSON object) or a batch (a JSON
 * array of them). Any other JSON value counts as one invalid item. Never throws.
 * Each valid event gets the request's `correlationId`: as it is for a single event, and as
 * `<correlationId>:<index>` for the items of a batch, so that every input has its own and all of
 * them still lead back to the request.
 */
export function decodeWebhookBody(body: Buffer, maxEvents: number, correlationId?: string): WebhookBody {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(body));
  } catch {
    const input = { kind: 'invalid', origin: WEBHOOK_ORIGIN, reason: 'the request body is not valid JSON', raw: body.toString('utf8') } as const;
    return { kind: 'malformed', input };
  }
  const values: readonly unknown[] = Array.isArray(value) ? value : [value];
  const batch = Array.isArray(value);
  if (values.length > maxEvents) return { kind: 'too_many', count: values.length };
  const itemCorrelation = (index: number): string | undefined =>
    correlationId === undefined ? undefined : batch ? `${correlationId}:${index}` : correlationId;
  return { kind: 'items', items: values.map((item, index) => webhookItem(item, index, itemCorrelation(index))) };
}

function webhookItem(value: unknown, index: number, correlationId: string | undefined): WebhookItem {
  const parsed = parseHrEvent(value);
  if (parsed.ok) {
    const input = { kind: 'event', event: parsed.event, ...(correlationId === undefined ? {} : { correlationId }) } as const;
    return { index, id: parsed.event.id, source: parsed.event.source, input };
  }
  return {
    index,
    id: echoed(value, 'id'),
    source: echoed(value, 'source'),
    input: { kind: 'invalid', origin: WEBHOOK_ORIGIN, reason: parsed.reason, raw: JSON.stringify(value) },
  };
}

function echoed(value: unknown, key: 'id' | 'source'): string | undefined {
  if (typeof value !== 'object' || value === null || !(key in value)) return undefined;
  const field: unknown = (value as Record<string, unknown>)[key];
  return typeof field === 'string' && field.length <= MAX_ECHOED_LENGTH ? field : undefined;
}
