import { describe, expect, it } from 'vitest';

import { formatEastern, parseEastern } from '../../../src/simulator/eastern-time.ts';
import { MASK, maskSecrets } from '../../../src/simulator/masking.ts';
import { encodePhpJson } from '../../../src/simulator/php-json.ts';
import { seededRandom } from '../../../src/simulator/random.ts';
import { KeyedTokenBuckets } from '../../../src/simulator/token-buckets.ts';

describe('eastern time', () => {
  it('formats instants as US/Eastern wall-clock time across daylight saving', () => {
    expect(formatEastern(Date.parse('2024-01-15T15:04:05Z'))).toBe('2024-01-15 10:04:05');
    expect(formatEastern(Date.parse('2024-07-15T15:04:05Z'))).toBe('2024-07-15 11:04:05');
  });

  it('parses wall-clock text back, and refuses malformed or impossible dates', () => {
    expect(parseEastern('2024-01-15 10:04:05')).toBe(Date.parse('2024-01-15T15:04:05Z'));
    expect(parseEastern('2024-07-15 11:04:05')).toBe(Date.parse('2024-07-15T15:04:05Z'));
    expect(parseEastern('2024-11-03 12:00:00')).toBe(Date.parse('2024-11-03T17:00:00Z'));
    for (const bad of ['2024-02-30 00:00:00', '2024-01-15T10:04:05', '2024-01-15', '2024-01-15 24:00:00']) {
      expect(parseEastern(bad)).toBeNull();
    }
  });
});

describe('PHP-style JSON', () => {
  it('escapes slashes and non-ASCII and stays valid JSON', () => {
    const text = encodePhpJson({ url: 'a/b', name: 'Zoë ☃', list: [] });
    expect(text).toBe('{"url":"a\\/b","name":"Zo\\u00eb \\u2603","list":[]}');
    expect(JSON.parse(text)).toEqual({ url: 'a/b', name: 'Zoë ☃', list: [] });
  });
});

describe('masking', () => {
  it('masks secret keys at any depth and secret strings inside values', () => {
    const masked = maskSecrets({ a: [{ password: 'p', Provhash: 'h', note: 'x-TOKEN-123456-y' }], b: 3 }, ['TOKEN-123456']);
    expect(masked).toEqual({ a: [{ password: MASK, Provhash: MASK, note: `x-${MASK}-y` }], b: 3 });
  });

  it('keeps a JSON "__proto__" key a plain key', () => {
    const masked = maskSecrets(JSON.parse('{"__proto__": {"password": "q"}}'), []) as object;
    expect(Object.getPrototypeOf(masked)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(masked, '__proto__')?.value).toEqual({ password: MASK });
  });
});

describe('seeded random', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const drawn = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(drawn);
    expect(drawn.every((n) => n >= 0 && n < 1)).toBe(true);
    expect(seededRandom(8).next()).not.toBe(drawn[0]);
  });
});

describe('token buckets', () => {
  it('allows a burst, then says how long to wait, per key', () => {
    const buckets = new KeyedTokenBuckets({ perSecond: 4, burst: 2 });
    expect([buckets.take('a', 0), buckets.take('a', 0)]).toEqual([0, 0]);
    expect(buckets.take('a', 0)).toBe(250);
    expect(buckets.take('b', 0)).toBe(0);
    expect(buckets.take('a', 250)).toBe(0);
    expect(buckets.take('a', 250)).toBe(250);
  });

  it('starts full again when the rule changes', () => {
    const buckets = new KeyedTokenBuckets({ perSecond: 1, burst: 1 });
    buckets.take('a', 0);
    expect(buckets.take('a', 0)).toBe(1000);
    buckets.setRule({ perSecond: 1, burst: 3 });
    expect(buckets.take('a', 0)).toBe(0);
  });
});

describe('masking short secrets', () => {
  it('masks a short secret only as a whole value, leaving other text readable', () => {
    expect(maskSecrets({ a: 'h', b: 'hash', c: 'h' }, ['h'])).toEqual({ a: MASK, b: 'hash', c: MASK });
  });
});
