import { type HrEvent, hrEventSchema, parseHrEvent } from '../../core/events/hr-event.ts';
import { bulkIdReferences, parseScimRequest, type ScimRequest } from './scim-request.ts';

/** One input of a plan file, in file order; `where` names it in messages ("item 2", "line 5"). */
export type PlanInput =
  | { readonly kind: 'hr_event'; readonly where: string; readonly event: HrEvent }
  | { readonly kind: 'scim'; readonly where: string; readonly request: ScimRequest };

export type PlanFile = { readonly ok: true; readonly inputs: readonly PlanInput[] } | { readonly ok: false; readonly problems: readonly string[] };

interface Located {
  readonly where: string;
  readonly value: unknown;
}

/**
 * Reads a plan file: HR events (CloudEvents, as Kafka and the webhook take them) or SCIM requests,
 * as one JSON object, a JSON array, or JSON Lines. Each item is recognised by its shape, and
 * every problem of every item is listed, with the validators' own messages, so one run shows all
 * that must be fixed.
 */
export function parsePlanFile(text: string): PlanFile {
  const content = text.replace(/^\uFEFF/, '');
  if (content.trim() === '') return { ok: false, problems: ['the file is empty'] };
  const decoded = decode(content);
  if (!decoded.ok) return decoded;
  if (decoded.items.length === 0) return { ok: false, problems: ['the file holds no HR event and no SCIM request'] };

  const inputs: PlanInput[] = [];
  const problems: string[] = [];
  const bulkIds = new Set<string>();
  for (const { where, value } of decoded.items) {
    const item = classify(value, where);
    if (!item.ok) {
      problems.push(...item.problems.map((problem) => `${where}: ${problem}`));
      continue;
    }
    if (item.input.kind === 'scim') {
      // A reference must name a POST above it: the file is applied in order.
      for (const name of bulkIdReferences(item.input.request)) {
        if (!bulkIds.has(name)) problems.push(`${where}: bulkId:${name} is not the bulkId of a POST earlier in the file`);
      }
      const own = item.input.request.bulkId;
      if (own !== undefined && bulkIds.has(own)) problems.push(`${where}: bulkId: "${own}" is used twice`);
      if (own !== undefined) bulkIds.add(own);
    }
    inputs.push(item.input);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, inputs };
}

type Decoded = { readonly ok: true; readonly items: readonly Located[] } | { readonly ok: false; readonly problems: readonly string[] };

/** One JSON document (an object, or an array of items), else JSON Lines (one item per line). */
function decode(content: string): Decoded {
  let whole: unknown;
  try {
    whole = JSON.parse(content);
  } catch (error) {
    return decodeLines(content, messageOf(error));
  }
  if (Array.isArray(whole)) return { ok: true, items: (whole as unknown[]).map((value, i) => ({ where: `item ${i + 1}`, value })) };
  return { ok: true, items: [{ where: 'the file', value: whole }] };
}

function decodeLines(content: string, wholeError: string): Decoded {
  const lines = content.split(/\r?\n/).map((line, i) => ({ where: `line ${i + 1}`, text: line.trim() })).filter((line) => line.text !== '');
  const items: Located[] = [];
  const problems: string[] = [];
  for (const [i, line] of lines.entries()) {
    try {
      items.push({ where: line.where, value: JSON.parse(line.text) as unknown });
    } catch (error) {
      // A first line that is not JSON on its own means the file was one JSON document, broken.
      if (i === 0) return { ok: false, problems: [`the file is not valid JSON: ${wholeError}`] };
      problems.push(`${line.where}: not valid JSON (the file is read as JSON Lines): ${messageOf(error)}`);
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, items };
}

type Classified = { readonly ok: true; readonly input: PlanInput } | { readonly ok: false; readonly problems: readonly string[] };

function classify(value: unknown, where: string): Classified {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    if ('specversion' in value) {
      // The ingress's own validation, so the file is accepted exactly when Kafka would accept it.
      const parsed = parseHrEvent(value);
      return parsed.ok ? { ok: true, input: { kind: 'hr_event', where, event: parsed.event } } : { ok: false, problems: hrEventProblems(value, parsed.reason) };
    }
    if ('method' in value || 'path' in value) {
      const parsed = parseScimRequest(value);
      return parsed.ok ? { ok: true, input: { kind: 'scim', where, request: parsed.request } } : { ok: false, problems: parsed.problems };
    }
  }
  return {
    ok: false,
    problems: [`expected an HR event (a CloudEvent: an object with "specversion") or a SCIM request (an object with "method" and "path"), got ${shapeOf(value)}`],
  };
}

/** The ingress joins its problems into one reason; a person reads them better one per line. */
function hrEventProblems(value: unknown, reason: string): string[] {
  const result = hrEventSchema.safeParse(value);
  if (result.success) return [reason];
  return result.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`);
}

function shapeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object with ${Object.keys(value).length === 0 ? 'no keys' : `keys ${Object.keys(value).slice(0, 5).join(', ')}`}`;
  return `a ${typeof value}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
