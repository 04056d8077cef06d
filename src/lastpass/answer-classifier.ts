import type { AnswerSpec } from './command-specs.ts';
import { errorTexts, isRecord, type JsonRecord } from './coerce.ts';
import type { RejectedDetails, TransientDetails } from './errors.ts';
import { parseRetryAfter } from './retry-after.ts';
import type { HttpAnswer, TransportFault } from './wire-types.ts';

/** Every way a call can end (design: success, partial success, transient or permanent failure). */
export type Classification =
  | { readonly kind: 'success'; readonly body: JsonRecord | unknown[]; readonly errors: readonly string[] }
  | {
      readonly kind: 'partial';
      readonly body: JsonRecord;
      readonly status: string;
      readonly errors: readonly string[];
    }
  | { readonly kind: 'transient'; readonly reason: string; readonly details: TransientDetails }
  | { readonly kind: 'rejected'; readonly reason: string; readonly details: RejectedDetails }
  | { readonly kind: 'auth'; readonly reason: string };

const PARTIAL_STATUS = 'WARN';

/**
 * 403 is here because LastPass's Akamai edge throttles with it (reference §4); 429 and 403 come
 * from the edge before PHP runs, so LastPass cannot have acted on the request.
 */
const TRANSIENT_STATUSES = new Set([403, 408, 425, 429]);
const REFUSED_BEFORE_APPLYING = new Set([403, 429]);

export function classifyAnswer(answer: HttpAnswer, spec: AnswerSpec, nowMs: number): Classification {
  const text = answer.bodyText.replace(/^\uFEFF/, '').trim();
  const json = parseJson(text);
  if (json === undefined && /Authorization Error/i.test(text)) {
    return { kind: 'auth', reason: 'LastPass refused the account number or provisioning hash' };
  }
  if (answer.status >= 500 || TRANSIENT_STATUSES.has(answer.status)) {
    const retryAfterMs = parseRetryAfter(answer.retryAfter, nowMs);
    return {
      kind: 'transient',
      reason: `HTTP ${answer.status}${retryAfterMs === undefined ? '' : ` (retry after ${retryAfterMs} ms)`}`,
      details: {
        httpStatus: answer.status,
        mayHaveApplied: !REFUSED_BEFORE_APPLYING.has(answer.status),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      },
    };
  }
  if (answer.status < 200 || answer.status > 299) {
    return { kind: 'rejected', reason: `HTTP ${answer.status}`, details: { httpStatus: answer.status } };
  }
  if (json === undefined) {
    // An HTML page or other non-JSON with 200 comes from something in front of LastPass.
    return {
      kind: 'transient',
      reason: `answer is not JSON (content-type ${answer.contentType ?? 'none'}, ${text.length} bytes)`,
      details: { httpStatus: answer.status, mayHaveApplied: true },
    };
  }
  return classifyBody(json, spec);
}

export function classifyBody(json: unknown, spec: AnswerSpec): Classification {
  if (Array.isArray(json)) {
    // PHP writes an empty map as []; only commands answering a bare map can mean that.
    return spec.withoutStatus === 'any'
      ? { kind: 'success', body: json, errors: [] }
      : { kind: 'rejected', reason: 'answer is a list, not an object', details: {} };
  }
  if (!isRecord(json)) {
    return { kind: 'rejected', reason: 'answer is not a JSON object', details: {} };
  }
  const errors = errorTexts(json);
  const rawStatus = json['status'];
  if (rawStatus !== undefined && rawStatus !== null) {
    const status = typeof rawStatus === 'string' ? rawStatus : JSON.stringify(rawStatus);
    if (spec.successStatuses.some((ok) => ok.toLowerCase() === status.toLowerCase())) {
      return { kind: 'success', body: json, errors };
    }
    if (status.toUpperCase() === PARTIAL_STATUS) {
      return { kind: 'partial', body: json, status, errors };
    }
    return { kind: 'rejected', reason: describeRejection(status, errors), details: { status, errors } };
  }
  if (errors.length > 0) {
    return { kind: 'rejected', reason: describeRejection(undefined, errors), details: { errors } };
  }
  if (spec.withoutStatus === 'any' || (spec.withoutStatus !== 'none' && spec.withoutStatus.some((key) => key in json))) {
    return { kind: 'success', body: json, errors };
  }
  return { kind: 'rejected', reason: 'answer has neither a status nor the expected data', details: {} };
}

export function classifyFault(fault: TransportFault): Classification {
  return {
    kind: 'transient',
    reason: `${fault.code}: ${fault.message}`,
    details: { mayHaveApplied: !fault.beforeSending },
  };
}

function describeRejection(status: string | undefined, errors: readonly string[]): string {
  const head = status === undefined ? 'LastPass reported an error' : `status ${status}`;
  return errors.length === 0 ? head : `${head}: ${errors.join('; ')}`;
}

function parseJson(text: string): unknown {
  if (!text.startsWith('{') && !text.startsWith('[')) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
