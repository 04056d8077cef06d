import { describe, expect, it } from 'vitest';

import { BATCHABLE_KINDS } from '../../../src/core/commands.ts';
import { Secret } from '../../../src/core/secret.ts';
import { namesUser, resultFromErrors, resultFromLists } from '../../../src/lastpass/batch-results.ts';
import { serialiseRequest, wireCid } from '../../../src/lastpass/request-body.ts';
import { parseRetryAfter } from '../../../src/lastpass/retry-after.ts';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
  });
  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:45 GMT', now)).toBe(45_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
  });
  it('gives undefined for nothing or nonsense', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe('serialiseRequest', () => {
  it('reveals the provhash and passwords only in the body text', () => {
    const envelope = {
      cid: wireCid('8771312'),
      provhash: new Secret('hash-1'),
      cmd: 'batchadd',
      data: [{ username: 'a@x.com', password: new Secret('pw-1') }, { username: 'b@x.com' }],
    };
    expect(JSON.parse(serialiseRequest(envelope))).toEqual({
      cid: 8771312,
      provhash: 'hash-1',
      cmd: 'batchadd',
      data: [{ username: 'a@x.com', password: 'pw-1' }, { username: 'b@x.com' }],
    });
    // The envelope itself still refuses to show them.
    expect(JSON.stringify(envelope)).not.toContain('hash-1');
    expect(JSON.stringify(envelope)).not.toContain('pw-1');
  });
  it('sends a numeric cid as a number and anything else as given', () => {
    expect(wireCid('42')).toBe(42);
    expect(wireCid('acme-42')).toBe('acme-42');
  });
});

describe('batch results', () => {
  it('namesUser matches whole addresses only, ignoring case', () => {
    expect(namesUser('ghost@example.com does not exist', 'Ghost@Example.com')).toBe(true);
    expect(namesUser('aghost@example.com does not exist', 'ghost@example.com')).toBe(false);
    expect(namesUser('ghost@example.com.au does not exist', 'ghost@example.com')).toBe(false);
    expect(namesUser('User ghost@example.com.', 'ghost@example.com')).toBe(true);
  });

  it('WARN: the named user failed, the others applied', () => {
    expect(resultFromErrors(['a@x.com', 'ghost@x.com'], 'WARN', ['ghost@x.com does not exist'])).toEqual({
      status: 'WARN',
      complete: false,
      items: [
        { username: 'a@x.com', result: 'applied' },
        { username: 'ghost@x.com', result: 'failed', message: 'ghost@x.com does not exist' },
      ],
      unattributedErrors: [],
    });
  });

  it('WARN with an error naming nobody leaves the others uncertain', () => {
    const result = resultFromErrors(['a@x.com'], 'WARN', ['group limit reached']);
    expect(result.items).toEqual([{ username: 'a@x.com', result: 'uncertain' }]);
    expect(result.unattributedErrors).toEqual(['group limit reached']);
  });

  it('disable/enable lists: changed, unchanged, and unreported', () => {
    const result = resultFromLists(
      ['ann@example.com', 'BOB@example.com', 'cy@example.com'],
      'success',
      { disabled_users: ['ann@example.com'], unchanged_users: ['bob@example.com'] },
      'disabled_users',
      [],
    );
    expect(result.items.map((item) => item.result)).toEqual(['applied', 'unchanged', 'uncertain']);
    expect(result.complete).toBe(false);
  });
});

describe('gateway batching', () => {
  it('the kinds the gateway batches are the core\'s batchable kinds', () => {
    expect([...BATCHABLE_KINDS].sort()).toEqual(['add_user', 'change_groups', 'disable_user', 'enable_user']);
  });
});
