import { describe, expect, it } from 'vitest';

import type { LastPassCommand } from '../../../src/core/commands.ts';
import { callLogFields } from '../../../src/outbox/dispatcher.ts';
import type { ClaimedCommand } from '../../../src/outbox/outbox.store.ts';

function claimed(id: number, correlationId?: string): ClaimedCommand {
  const command: LastPassCommand = { kind: 'disable_user', username: `u${id}@x.io` };
  return {
    id,
    personId: `P-${id}`,
    seq: 1,
    command,
    attempts: 1,
    idempotencyKey: `k-${id}`,
    approved: false,
    precondition: undefined,
    ...(correlationId === undefined ? {} : { correlationId }),
  };
}

describe('callLogFields (the one info line per LastPass call)', () => {
  it('names the inputs the call served by their correlation ids, each once, and its common outcome', () => {
    const group = [claimed(1, 'req-1:0'), claimed(2, 'req-1:1'), claimed(3), claimed(4, 'req-1:0')];
    const done = { status: 'done' } as const;
    expect(callLogFields(group, [done, done, done, done], 41.6)).toEqual({
      command: 'disable_user',
      count: 4,
      correlationIds: ['req-1:0', 'req-1:1'],
      outcome: 'done',
      durationMs: 42,
    });
  });

  it('counts outcomes per status when they differ, and a command the gateway gave no outcome for', () => {
    const fields = callLogFields(
      [claimed(1, 'a'), claimed(2, 'b'), claimed(3, 'c')],
      [{ status: 'done' }, { status: 'failed', reason: 'no such user' }],
      3,
    );
    expect(fields).toMatchObject({ outcome: 'mixed', outcomes: { done: 1, failed: 1, none: 1 }, correlationIds: ['a', 'b', 'c'] });
  });
});
