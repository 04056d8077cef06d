import { describe, expect, it } from 'vitest';

import type { LastPassCommand } from '../../../src/core/commands.ts';
import { backoffDelay } from '../../../src/outbox/backoff.ts';
import { groupForSending } from '../../../src/outbox/dispatcher.ts';
import type { ClaimedCommand } from '../../../src/outbox/outbox.store.ts';

let nextId = 1;
function claimed(command: LastPassCommand): ClaimedCommand {
  const id = nextId++;
  return { id, personId: `P-${id}`, seq: 1, command, attempts: 1, idempotencyKey: `k-${id}`, approved: false, precondition: undefined };
}

describe('groupForSending', () => {
  it('merges batchable kinds into one call each and sends the rest one by one', () => {
    const adds = [1, 2, 3].map((n) => claimed({ kind: 'add_user', username: `u${n}@x`, groups: [] }));
    const disables = [4, 5].map((n) => claimed({ kind: 'disable_user', username: `u${n}@x` }));
    const deletes = [6, 7].map((n) => claimed({ kind: 'delete_user', username: `u${n}@x`, action: 'delete' }));
    const groups = groupForSending([adds[0]!, disables[0]!, deletes[0]!, adds[1]!, deletes[1]!, disables[1]!, adds[2]!], 10);
    expect(groups.map((g) => g.map((c) => c.id))).toEqual([
      adds.map((c) => c.id),
      disables.map((c) => c.id),
      [deletes[0]!.id],
      [deletes[1]!.id],
    ]);
  });

  it('splits a batch at the batch size', () => {
    const adds = Array.from({ length: 5 }, (_, n) => claimed({ kind: 'add_user', username: `v${n}@x`, groups: [] }));
    expect(groupForSending(adds, 2).map((g) => g.length)).toEqual([2, 2, 1]);
  });
});

describe('backoffDelay', () => {
  const settings = { baseMs: 1000, capMs: 60_000, maxAttempts: 10 };
  it('doubles per attempt within half-jitter bounds, up to the cap', () => {
    expect(backoffDelay(1, settings, () => 0)).toBe(500);
    expect(backoffDelay(1, settings, () => 1)).toBe(1000);
    expect(backoffDelay(3, settings, () => 1)).toBe(4000);
    expect(backoffDelay(30, settings, () => 1)).toBe(60_000);
    expect(backoffDelay(30, settings, () => 0)).toBe(30_000);
  });
});
