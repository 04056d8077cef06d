import { describe, expect, it } from 'vitest';

import { Secret } from '../../../src/core/secret.ts';
import { entityTagsOf, matchesVersion, requireIfMatch } from '../../../src/scim/conditional.ts';
import { idpKindOf } from '../../../src/scim/idp-kind.ts';
import { KeyedQueue } from '../../../src/scim/keyed-queue.ts';
import { listParamsOf, MAX_RESULTS, searchParamsOf } from '../../../src/scim/list-params.ts';
import { projectionOf } from '../../../src/scim/projection.ts';
import { scimCredentialCheck } from '../../../src/scim/scim-credential-check.ts';
import { GROUP_KIND, USER_KIND } from '../../../src/scim/scim-schemas.ts';

describe('scimCredentialCheck', () => {
  const check = scimCredentialCheck({
    tokens: [new Secret('token-current-0000000001'), new Secret('token-next-00000000000002')],
    basic: [new Secret('okta:basic-password-0000001')],
  });
  const basic = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`;

  it('accepts any configured bearer token, with the scheme in any case', () => {
    expect(check('Bearer token-current-0000000001')).toEqual({ ok: true, scheme: 'bearer' });
    expect(check('bearer   token-next-00000000000002 ')).toEqual({ ok: true, scheme: 'bearer' });
  });

  it('accepts configured Basic credentials', () => {
    expect(check(basic('okta:basic-password-0000001'))).toEqual({ ok: true, scheme: 'basic' });
    expect(check(basic('okta:wrong-password-000000'))).toEqual({ ok: false, reason: 'invalid', scheme: 'basic' });
  });

  it('tells missing from invalid credentials', () => {
    expect(check(undefined)).toMatchObject({ ok: false, reason: 'missing' });
    expect(check('Token abc')).toMatchObject({ ok: false, reason: 'missing' });
    expect(check('Bearer')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(check('Bearer token-current-000000000')).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('refuses everything when nothing is configured, and Basic when only tokens are', () => {
    expect(scimCredentialCheck({ tokens: [], basic: [] })('Bearer ')).toMatchObject({ ok: false });
    expect(scimCredentialCheck({ tokens: [new Secret('')], basic: [] })('Bearer x')).toMatchObject({ ok: false });
    const tokensOnly = scimCredentialCheck({ tokens: [new Secret('token-current-0000000001')], basic: [] });
    expect(tokensOnly(basic('okta:basic-password-0000001'))).toMatchObject({ ok: false, reason: 'missing', scheme: 'basic' });
  });
});

describe('listParamsOf', () => {
  it('reads paging as integers, clamped as RFC 7644 §3.4.2.4 says', () => {
    expect(listParamsOf({})).toMatchObject({ startIndex: 1, count: 100, filter: undefined });
    expect(listParamsOf({ startIndex: '0', count: '-5' })).toMatchObject({ startIndex: 1, count: 0 });
    expect(listParamsOf({ startindex: '101', COUNT: '100000' })).toMatchObject({ startIndex: 101, count: MAX_RESULTS });
    expect(listParamsOf({ startIndex: 'abc', count: '2.5' })).toMatchObject({ startIndex: 1, count: 100 });
    expect(listParamsOf({ filter: ['userName eq "a"', 'x'], attributes: 'userName' })).toMatchObject({ filter: 'userName eq "a"', attributes: 'userName' });
  });

  it('reads a .search body', () => {
    expect(searchParamsOf({ schemas: [], filter: 'a pr', startIndex: 3, count: 10, attributes: ['userName', 'emails'] })).toMatchObject({
      filter: 'a pr',
      startIndex: 3,
      count: 10,
      attributes: 'userName,emails',
    });
  });
});

describe('projectionOf', () => {
  it('knows which top-level attributes will appear', () => {
    const some = projectionOf(USER_KIND, 'userName,emails[type eq "work"],name.givenName', undefined);
    expect([some.includes('emails'), some.includes('name'), some.includes('groups')]).toEqual([true, true, false]);
    const excluded = projectionOf(GROUP_KIND, undefined, 'Members');
    expect([excluded.includes('members'), excluded.includes('displayname')]).toEqual([false, true]);
    expect(() => projectionOf(USER_KIND, 'emails[type eq', undefined)).toThrow('invalid attributes');
  });
});

describe('conditional requests', () => {
  it('reads entity tags and compares them weakly', () => {
    expect(entityTagsOf(undefined)).toBeUndefined();
    expect(entityTagsOf(' * ')).toBe('*');
    expect(entityTagsOf('W/"3", "4"')).toEqual(['3', '4']);
    expect(matchesVersion(['3'], 3)).toBe(true);
    expect(matchesVersion('*', 9)).toBe(true);
    expect(() => requireIfMatch(['2'], 3)).toThrow('not the one If-Match names');
    expect(() => requireIfMatch(undefined, 3)).not.toThrow();
  });
});

describe('idpKindOf', () => {
  it('recognises Okta and Entra', () => {
    expect(idpKindOf('Okta SCIM Client 1.0.0')).toBe('okta');
    expect(idpKindOf('Microsoft Azure Active Directory SCIM Client')).toBe('entra');
    expect(idpKindOf('curl/8.0', '?aadOptscim062020')).toBe('entra');
    expect(idpKindOf(undefined)).toBe('scim');
  });
});

describe('KeyedQueue', () => {
  it('runs work for one key in order, other keys alongside, and forgets idle keys', async () => {
    const queue = new KeyedQueue();
    const order: string[] = [];
    const step = (name: string, ms: number) => () => new Promise<string>((resolve) => setTimeout(() => (order.push(name), resolve(name)), ms));
    const failing = queue.run('a', () => Promise.reject(new Error('boom')));
    const results = await Promise.allSettled([failing, queue.run('a', step('a1', 20)), queue.run('a', step('a2', 1)), queue.run('b', step('b1', 5))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(order).toEqual(['b1', 'a1', 'a2']);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(queue.size).toBe(0);
  });
});
