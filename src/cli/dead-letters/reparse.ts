import { type HrEventParse, parseHrEvent } from '../../core/events/hr-event.ts';

/**
 * An HR dead letter's raw input read again the way its ingress reads it: JSON, then the HR event
 * contract (src/consumers/decode-hr-message.ts, webhook-body.ts). Kafka keeps the message value,
 * the webhook the item (or a body that was not JSON), so both are one structured CloudEvent or
 * nothing. What changed since it was refused is lpprov's parser, never the input.
 */
export function reparseHrInput(raw: string, origin: 'kafka' | 'webhook'): HrEventParse {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, reason: origin === 'kafka' ? 'the message value is not JSON' : 'the request body is not valid JSON' };
  }
  const parsed = parseHrEvent(value);
  if (parsed.ok || origin !== 'kafka' || hasSpecVersion(value)) return parsed;
  // A binary-mode message had its attributes in ce_ headers, which its dead letter does not keep.
  const headers = "a binary-mode message's ce_ headers are not kept with its dead letter: the producer must send it again";
  return { ok: false, reason: `${parsed.reason} (${headers})` };
}

function hasSpecVersion(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'specversion' in value;
}
