import { isRecord, type JsonRecord } from './json-values.ts';

/** The request fields every command shares (reference §1.3), still unvalidated. */
export interface Envelope {
  readonly cid: unknown;
  readonly provhash: unknown;
  readonly cmd: unknown;
  readonly data: unknown;
  readonly apiuser: unknown;
}

type FormNode = string | Map<string, FormNode>;

/** "data[0][groups][]" → ["data", "0", "groups", ""], as PHP reads form field names. */
function splitKey(key: string): string[] {
  const match = /^([^[\]]+)((?:\[[^\]]*\])+)$/.exec(key);
  if (!match) return [key];
  const [, base = key, brackets = ''] = match;
  return [base, ...[...brackets.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? '')];
}

function assign(node: Map<string, FormNode>, path: readonly string[], value: string): void {
  const [head = '', ...rest] = path;
  const key = head === '' ? String(node.size) : head;
  if (rest.length === 0) {
    node.set(key, value);
    return;
  }
  let child = node.get(key);
  if (!(child instanceof Map)) {
    child = new Map();
    node.set(key, child);
  }
  assign(child, rest, value);
}

/** PHP arrays with keys 0..n-1 are lists; the others are objects (as json_encode sees them). */
function toJson(node: FormNode): unknown {
  if (typeof node === 'string') return node;
  const entries = [...node].map(([key, child]) => [key, toJson(child)] as const);
  return entries.every(([key], i) => key === String(i)) ? entries.map(([, value]) => value) : Object.fromEntries(entries);
}

/** A form body (`application/x-www-form-urlencoded`), PHP bracket names included. */
function parseForm(body: string): JsonRecord {
  const root = new Map<string, FormNode>();
  for (const [key, value] of new URLSearchParams(body)) assign(root, splitKey(key), value);
  const fields = toJson(root);
  if (!isRecord(fields)) return {};
  // A form carries `data` either with bracket names or as one JSON-encoded field.
  if (typeof fields.data === 'string' && /^\s*[[{]/.test(fields.data)) {
    try {
      fields.data = JSON.parse(fields.data) as unknown;
    } catch {
      // Not JSON after all: the command sees the string, as PHP would.
    }
  }
  return fields;
}

function parseJsonObject(body: string): JsonRecord | null {
  try {
    const parsed: unknown = JSON.parse(body);
    return isRecord(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * The envelope of a request body, or null when the body is neither a JSON object nor a form. A
 * JSON object wins over a form content type (`curl -d '{…}'` sends one), as PHP reading
 * php://input would see it.
 */
export function parseEnvelope(body: string, contentType: string | undefined): Envelope | null {
  const isForm = contentType?.toLowerCase().includes('application/x-www-form-urlencoded') === true;
  const fields = parseJsonObject(body) ?? (isForm ? parseForm(body) : null);
  if (fields === null) return null;
  return { cid: fields.cid, provhash: fields.provhash, cmd: fields.cmd, data: fields.data, apiuser: fields.apiuser };
}
