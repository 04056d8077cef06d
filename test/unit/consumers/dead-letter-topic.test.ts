import { describe, expect, it } from 'vitest';

import { deadLetterMessage, deadLetterTopicFor } from '../../../src/consumers/dead-letter-topic.ts';
import { PendingDeadLetters } from '../../../src/consumers/pending-dead-letters.ts';
import { RestartBudget } from '../../../src/consumers/restart-budget.ts';

describe('deadLetterMessage', () => {
  it('keeps key, value bytes and headers, and adds where it came from and why', () => {
    const value = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
    const message = deadLetterMessage(
      {
        topic: 'hr.lifecycle.v1',
        partition: 4,
        offset: '9007199254740993',
        key: Buffer.from('P-1'),
        value,
        headers: { ce_specversion: '1.0', 'lpprov-error': 'stale header from a replay' },
        reason: 'the message value is not JSON',
      },
      new Date('2026-03-01T10:00:00.000Z'),
    );
    expect(message.key).toEqual(Buffer.from('P-1'));
    expect(message.value).toBe(value);
    expect(message.headers).toEqual({
      ce_specversion: '1.0',
      'lpprov-original-topic': 'hr.lifecycle.v1',
      'lpprov-original-partition': '4',
      'lpprov-original-offset': '9007199254740993',
      'lpprov-error': 'the message value is not JSON',
      'lpprov-dead-lettered-at': '2026-03-01T10:00:00.000Z',
    });
  });

  it('names the topic after the HR topic', () => {
    expect(deadLetterTopicFor('hr.lifecycle.v1')).toBe('hr.lifecycle.v1.dlq');
  });
});

describe('PendingDeadLetters', () => {
  it('remembers origins until they are published, within a capacity', () => {
    const pending = new PendingDeadLetters(2);
    pending.add('a');
    pending.add('b');
    expect(pending.has('a')).toBe(true);
    pending.delete('a');
    expect(pending.has('a')).toBe(false);
    pending.add('c');
    pending.add('d');
    expect([pending.has('b'), pending.has('c'), pending.has('d'), pending.size]).toEqual([false, true, true, 2]);
  });
});

describe('RestartBudget', () => {
  it('allows max consecutive restarts, and starts over after a success', () => {
    const budget = new RestartBudget(2);
    expect([budget.take(), budget.take(), budget.take()]).toEqual([true, true, false]);
    budget.reset();
    expect(budget.take()).toBe(true);
  });
});
