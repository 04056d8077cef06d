import { describe, expect, it } from 'vitest';

import { deadLetterMessage, deadLetterTopicFor } from '../../../src/consumers/dead-letter-topic.ts';
import { DeadLetterLedger } from '../../../src/consumers/dead-letter-ledger.ts';
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
        deadLetteredAt: new Date('2026-03-01T10:00:00.000Z'),
      },
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

describe('DeadLetterLedger', () => {
  it('remembers a dead letter from its recording, through its publish, until its offset is committed', () => {
    const ledger = new DeadLetterLedger();
    const at = new Date('2026-03-01T10:00:00.000Z');
    expect([ledger.needsRecording('a'), ledger.needsPublishing('a')]).toEqual([true, true]);
    ledger.recorded('a', at);
    expect([ledger.needsRecording('a'), ledger.needsPublishing('a')]).toEqual([false, true]);
    // A retry records nothing new and keeps the first time.
    ledger.recorded('a', new Date('2026-03-01T11:00:00.000Z'));
    expect(ledger.deadLetteredAt('a')).toEqual(at);
    ledger.published('a');
    expect([ledger.needsRecording('a'), ledger.needsPublishing('a')]).toEqual([false, false]);
    ledger.settled(['a']);
    expect([ledger.needsRecording('a'), ledger.needsPublishing('a'), ledger.size]).toEqual([true, true, 0]);
  });

  it('ignores a publish of something it never recorded', () => {
    const ledger = new DeadLetterLedger();
    ledger.published('a');
    expect([ledger.needsPublishing('a'), ledger.size]).toEqual([true, 0]);
  });

  it('forgets the oldest beyond its capacity', () => {
    const ledger = new DeadLetterLedger(2);
    const at = new Date(0);
    for (const origin of ['a', 'b', 'c']) ledger.recorded(origin, at);
    expect([ledger.needsRecording('a'), ledger.needsRecording('b'), ledger.needsRecording('c'), ledger.size]).toEqual([true, false, false, 2]);
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
