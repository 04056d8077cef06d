import type { FaultKind } from './fault-settings.ts';

/**
 * - `ok`/`partial`/`fail`: the command answered (success, WARN-style partial, or refusal);
 * - `auth-error`: the XML authorization error; `fault`: an injected fault (see `fault`);
 * - `rate-limited`: the account's token bucket was empty; `bad-request`: not a POST;
 * - `pending`: no answer yet.
 */
export type CallOutcome = 'pending' | 'ok' | 'partial' | 'fail' | 'auth-error' | 'fault' | 'rate-limited' | 'bad-request';

/** One call to /enterpriseapi.php, with secrets already masked. */
export interface CallRecord {
  readonly seq: number;
  /** Arrival, ISO 8601 (simulator clock). */
  readonly time: string;
  readonly method: string;
  readonly cmd: string | null;
  readonly data: unknown;
  readonly apiuser?: string;
  readonly remoteAddress: string;
  /** null while pending and for a dropped connection. */
  httpStatus: number | null;
  /** The LastPass status the body carried (`OK`, `WARN`, `success`, `Authorization Error`…); null for data replies. */
  status: string | null;
  outcome: CallOutcome;
  fault: FaultKind | null;
  durationMs: number | null;
}

export type NewCall = Pick<CallRecord, 'time' | 'method' | 'cmd' | 'data' | 'apiuser' | 'remoteAddress'>;
export type CallResult = Pick<CallRecord, 'httpStatus' | 'status' | 'outcome' | 'fault' | 'durationMs'>;

export interface CallFilter {
  readonly cmd?: string;
  /** Only calls with a larger seq. */
  readonly since?: number;
  readonly limit?: number;
}

/** Calls in arrival order; the oldest are dropped beyond `limit` (seq keeps counting). */
export class CallLog {
  #calls: CallRecord[] = [];
  #nextSeq = 1;
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  begin(call: NewCall): CallRecord {
    const record: CallRecord = {
      seq: this.#nextSeq++,
      ...call,
      httpStatus: null,
      status: null,
      outcome: 'pending',
      fault: null,
      durationMs: null,
    };
    this.#calls.push(record);
    // Trim in chunks so that a full log costs O(1) per call on average.
    if (this.#calls.length > this.#limit + Math.ceil(this.#limit / 10)) this.#calls = this.#calls.slice(-this.#limit);
    return record;
  }

  list(filter: CallFilter = {}): CallRecord[] {
    const first = this.#calls[0];
    const start = first === undefined || filter.since === undefined ? 0 : Math.max(0, filter.since - first.seq + 1);
    const found: CallRecord[] = [];
    for (let i = start; i < this.#calls.length && found.length < (filter.limit ?? Infinity); i++) {
      const call = this.#calls[i];
      if (call !== undefined && (filter.cmd === undefined || call.cmd === filter.cmd)) found.push(call);
    }
    return found;
  }

  clear(): void {
    this.#calls = [];
    this.#nextSeq = 1;
  }
}

export function finishCall(record: CallRecord, result: CallResult): void {
  Object.assign(record, result);
}
