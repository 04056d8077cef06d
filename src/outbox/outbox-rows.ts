import type { CommandKind, LastPassCommand } from '../core/commands.ts';
import type { Precondition } from '../core/ports.ts';
import { toNumber } from '../db/sql-database.ts';
import type { ClaimedCommand, OutboxEntry, OutboxStatus } from './outbox.store.ts';

/** Columns the claim returns. */
export const CLAIM_COLUMNS = 'id, person_id, seq, payload, attempts, idempotency_key, approved, precondition, correlation_id';

export interface ClaimRow {
  [column: string]: unknown;
  id: unknown;
  person_id: string;
  seq: unknown;
  payload: string;
  attempts: unknown;
  idempotency_key: string;
  approved: unknown;
  precondition: string | null;
  correlation_id: string | null;
}

export function claimedFromRow(row: ClaimRow): ClaimedCommand {
  return {
    id: toNumber(row.id),
    personId: row.person_id,
    seq: toNumber(row.seq),
    command: JSON.parse(row.payload) as LastPassCommand,
    attempts: toNumber(row.attempts),
    idempotencyKey: row.idempotency_key,
    approved: toNumber(row.approved) === 1,
    precondition: row.precondition === null ? undefined : (JSON.parse(row.precondition) as Precondition),
    ...(row.correlation_id === null ? {} : { correlationId: row.correlation_id }),
  };
}

export const ENTRY_COLUMNS =
  'id, person_id, seq, kind, status, payload, attempts, not_before, last_error, resolution, idempotency_key, created_at, updated_at';

export interface EntryRow {
  [column: string]: unknown;
  id: unknown;
  person_id: string;
  seq: unknown;
  kind: string;
  status: string;
  payload: string;
  attempts: unknown;
  not_before: unknown;
  last_error: string | null;
  resolution: string | null;
  idempotency_key: string;
  created_at: unknown;
  updated_at: unknown;
}

export function entryFromRow(row: EntryRow): OutboxEntry {
  return {
    id: toNumber(row.id),
    personId: row.person_id,
    seq: toNumber(row.seq),
    kind: row.kind as CommandKind,
    status: row.status as OutboxStatus,
    command: JSON.parse(row.payload) as LastPassCommand,
    attempts: toNumber(row.attempts),
    notBefore: toNumber(row.not_before),
    lastError: row.last_error ?? undefined,
    resolution: row.resolution ?? undefined,
    idempotencyKey: row.idempotency_key,
    createdAt: toNumber(row.created_at),
    updatedAt: toNumber(row.updated_at),
  };
}

/** Statuses that hold a person's later commands (head-of-line order). */
export const BLOCKING_STATUSES = "('pending', 'in_flight', 'dead', 'awaiting_approval')";
