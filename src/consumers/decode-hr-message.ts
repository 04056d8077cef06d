import type { HrInput } from '../app/hr-input.ts';
import { parseHrEvent } from '../core/events/hr-event.ts';

export interface RawMessage {
  readonly value: Buffer | null;
  readonly headers?: Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;
}

const CE_HEADER_PREFIX = 'ce_';

/**
 * Turns one Kafka message into an HR input. CloudEvents structured mode (the whole event as JSON
 * in the value) and binary mode (attributes in `ce_` headers, `data` as the value) are both
 * accepted. Anything else becomes an `invalid` input carrying the reason: it never throws.
 */
export function decodeHrMessage(message: RawMessage, origin: string): HrInput {
  const raw = message.value?.toString('utf8') ?? '';
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { kind: 'invalid', origin, reason: 'the message value is not JSON', raw };
  }
  const binaryAttributes = ceHeaders(message.headers);
  const candidate = binaryAttributes === undefined ? value : { ...binaryAttributes, data: value };
  const parsed = parseHrEvent(candidate);
  return parsed.ok ? { kind: 'event', event: parsed.event } : { kind: 'invalid', origin, reason: parsed.reason, raw };
}

/** CloudEvents attributes from binary-mode headers, or undefined in structured mode. */
function ceHeaders(headers: RawMessage['headers']): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(CE_HEADER_PREFIX) || value === undefined) continue;
    const single = Array.isArray(value) ? value[0] : value;
    if (single !== undefined) attributes[name.slice(CE_HEADER_PREFIX.length)] = single.toString();
  }
  return 'specversion' in attributes ? attributes : undefined;
}
