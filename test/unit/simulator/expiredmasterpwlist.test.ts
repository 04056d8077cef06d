import { describe, expect, it } from 'vitest';

import { addUsers, seedActive, startHarness } from './support/harness.ts';

interface Expired {
  status: string;
  continuation: { token: string; remaining_item_count: number };
  items: Array<{ user_id: number; user_name: string; last_pw_change: string }>;
}

describe('expiredmasterpwlist', () => {
  it('lists active, enabled, non-federated users whose master password is older than the policy', async () => {
    const h = await startHarness();
    const old = '2020-01-01T15:00:00Z';
    await seedActive(
      h,
      { username: 'old@x.io', lastPwChange: old },
      'fresh@x.io',
      { username: 'sso@x.io', lastPwChange: old, federated: true },
      { username: 'off@x.io', lastPwChange: old, disabled: true },
    );
    await addUsers(h, 'invited@x.io');
    const answer = await h.apiJson<Expired>('expiredmasterpwlist', {});
    expect(answer).toEqual({
      status: 'Success',
      continuation: { token: '', remaining_item_count: 0 },
      items: [{ user_id: 4200001, user_name: 'old@x.io', last_pw_change: '2020-01-01 10:00:00' }],
    });
  });

  it('ages passwords with the simulator clock', async () => {
    const h = await startHarness();
    await seedActive(h, 'a@x.io');
    expect((await h.apiJson<Expired>('expiredmasterpwlist')).items).toEqual([]);
    await h.control('/_simulator/clock', { advanceMs: 91 * 86_400_000 });
    expect((await h.apiJson<Expired>('expiredmasterpwlist')).items.map((i) => i.user_name)).toEqual(['a@x.io']);
  });

  it('pages with limit and continuation_token, capping limit at 500', async () => {
    const h = await startHarness();
    const users = Array.from({ length: 502 }, (_, i) => ({ username: `u${i}@x.io`, lastPwChange: '2020-01-01T00:00:00Z' }));
    await seedActive(h, ...users);
    const first = await h.apiJson<Expired>('expiredmasterpwlist', { limit: 1000 });
    expect(first.items).toHaveLength(500);
    expect(first.continuation.remaining_item_count).toBe(2);
    const second = await h.apiJson<Expired>('expiredmasterpwlist', { limit: 1, continuation_token: first.continuation.token });
    expect(second.items.map((i) => i.user_name)).toEqual(['u500@x.io']);
    const third = await h.apiJson<Expired>('expiredmasterpwlist', { limit: 1, continuation_token: second.continuation.token });
    expect(third.items.map((i) => i.user_name)).toEqual(['u501@x.io']);
    expect(third.continuation).toEqual({ token: '', remaining_item_count: 0 });
  });

  it('refuses an invented continuation token or a bad limit', async () => {
    const h = await startHarness();
    expect(await h.apiJson('expiredmasterpwlist', { continuation_token: 'abc' })).toEqual({
      status: 'FAIL',
      error: 'continuation_token is not one this API issued',
    });
    expect(await h.apiJson('expiredmasterpwlist', { limit: 0 })).toEqual({ status: 'FAIL', error: 'limit must be a positive integer' });
  });
});
