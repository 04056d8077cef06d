import { describe, expect, it } from 'vitest';

import { bearerTokenCheck } from '../../../src/consumers/bearer-token-check.ts';
import { Secret } from '../../../src/core/secret.ts';

const CURRENT = 'hr-webhook-token-current-0001';
const NEXT = 'hr-webhook-token-next-000000002';

describe('bearerTokenCheck', () => {
  const check = bearerTokenCheck([new Secret(CURRENT), new Secret(NEXT)]);

  it('accepts every configured token, so they can be rotated', () => {
    expect(check(`Bearer ${CURRENT}`)).toBe('ok');
    expect(check(`Bearer ${NEXT}`)).toBe('ok');
    expect(check(`bearer   ${CURRENT} `)).toBe('ok');
  });

  it.each([
    ['a wrong token', 'Bearer not-the-right-token-at-all'],
    ['a prefix of a token', `Bearer ${CURRENT.slice(0, -1)}`],
    ['a token with a suffix', `Bearer ${CURRENT}x`],
    ['the scheme without a token', 'Bearer'],
    ['two words after the scheme', `Bearer ${CURRENT} ${NEXT}`],
  ])('refuses %s as invalid', (_name, header) => {
    expect(check(header)).toBe('invalid');
  });

  it.each([
    ['no header', undefined],
    ['another scheme', `Basic ${Buffer.from(`user:${CURRENT}`).toString('base64')}`],
    ['the bare token', CURRENT],
  ])('treats %s as missing credentials', (_name, header) => {
    expect(check(header)).toBe('missing');
  });

  it('matches nothing when no token is configured', () => {
    const closed = bearerTokenCheck([]);
    expect(closed(`Bearer ${CURRENT}`)).toBe('invalid');
    expect(closed('Bearer ')).toBe('invalid');
    expect(closed(undefined)).toBe('missing');
  });
});
