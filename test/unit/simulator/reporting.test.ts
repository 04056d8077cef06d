import { describe, expect, it } from 'vitest';

import { seedActive, startHarness } from './support/harness.ts';

interface Report {
  status: string;
  next: number | null;
  data: Record<string, { Time: string; Username: string; IP_Address: string; Action: string; Data: string }> | [];
}

const ALL_TIME = { from: '2000-01-01 00:00:00', to: '2099-12-31 23:59:59' };

describe('reporting', () => {
  it('reports the events the simulator\'s own state changes caused, newest first', async () => {
    const h = await startHarness();
    await h.api('batchadd', [{ username: 'a@x.io', groups: ['G'] }]);
    await h.apiJson('disableuser', ['a@x.io']);
    const report = await h.apiJson<Report>('reporting', ALL_TIME);
    expect(report.status).toBe('OK');
    expect(report.next).toBeNull();
    expect(Object.keys(report.data)).toEqual(['Event1', 'Event2', 'Event3']);
    expect(Object.values(report.data).map((e) => [e.Action, e.Username, e.Data])).toEqual([
      ['Deactivated User', 'a@x.io', 'a@x.io'],
      ['Add to Group', 'a@x.io', 'G'],
      ['Employee Account Created', 'a@x.io', 'a@x.io'],
    ]);
    expect(Object.values(report.data)[0]?.IP_Address).toBe('127.0.0.1');
  });

  it('reads from/to as US/Eastern wall-clock time', async () => {
    const h = await startHarness();
    await h.control('/_simulator/events', {
      events: [
        { username: 'a@x.io', action: 'Login', time: '2024-01-15T14:59:59Z' }, // 09:59:59 EST
        { username: 'a@x.io', action: 'Login', time: '2024-07-15T14:00:00Z' }, // 10:00:00 EDT
      ],
    });
    const winter = await h.apiJson<Report>('reporting', { from: '2024-01-15 09:59:59', to: '2024-01-15 09:59:59' });
    expect(Object.values(winter.data).map((e) => e.Time)).toEqual(['2024-01-15 09:59:59']);
    const summer = await h.apiJson<Report>('reporting', { from: '2024-07-15 10:00:00', to: '2024-07-15 10:00:00' });
    expect(Object.values(summer.data).map((e) => e.Time)).toEqual(['2024-07-15 10:00:00']);
    expect((await h.api('reporting', { from: '2024-07-15 10:00:01', to: '2024-07-16 00:00:00' })).text).toBe(
      '{"status":"OK","next":null,"data":[]}',
    );
  });

  it('filters by user, search text and admin events', async () => {
    const h = await startHarness();
    await seedActive(h, 'a@x.io', 'b@x.io');
    await h.apiJson('batchchangegrp', [{ username: 'a@x.io', add: ['Finance'] }]);
    await h.apiJson('disableuser', ['b@x.io']);
    await h.control('/_simulator/users/failed-login', { username: 'a@x.io' });
    const actions = async (extra: Record<string, unknown>) =>
      Object.values((await h.apiJson<Report>('reporting', { ...ALL_TIME, ...extra })).data).map((e) => e.Action);
    expect(await actions({ user: 'b@x.io' })).toEqual(['Deactivated User']);
    expect(await actions({ user: 'allusers', search: 'finance' })).toEqual(['Add to Group']);
    expect(await actions({ user: 'a@x.io', admin: '1' })).toEqual(['Add to Group']);
    expect(await actions({ user: 'a@x.io' })).toEqual(['Failed Login Attempt', 'Add to Group']);
  });

  it('pages with next (events at or before it) when more than the per-call maximum match', async () => {
    const h = await startHarness({ behaviour: { reportingMaxEvents: 2 } });
    await h.control('/_simulator/events', {
      events: [1, 2, 3, 4, 5].map((n) => ({ username: 'a@x.io', action: `E${n}`, time: `2024-03-01T12:00:0${n}Z` })),
    });
    const seen: string[] = [];
    let next: number | null = null;
    let calls = 0;
    do {
      const report: Report = await h.apiJson<Report>('reporting', { ...ALL_TIME, ...(next === null ? {} : { next }) });
      seen.push(...Object.values(report.data).map((e) => e.Action));
      next = report.next;
      calls++;
    } while (next !== null && calls < 10);
    expect(seen).toEqual(['E5', 'E4', 'E3', 'E2', 'E1']);
    expect(calls).toBe(3);
  });

  it('gives 10,000 events per call by default', async () => {
    const h = await startHarness();
    const events = Array.from({ length: 10_001 }, (_, i) => ({ username: 'a@x.io', action: 'Login', data: String(i) }));
    await h.control('/_simulator/events', { events });
    const report = await h.apiJson<Report>('reporting', ALL_TIME);
    expect(Object.keys(report.data)).toHaveLength(10_000);
    expect(typeof report.next).toBe('number');
    const rest = await h.apiJson<Report>('reporting', { ...ALL_TIME, next: report.next });
    expect(Object.values(rest.data).map((e) => e.Data)).toEqual(['0']);
  });

  it('answers format "siem" with an events array carrying IDs', async () => {
    const h = await startHarness();
    await seedActive(h, 'a@x.io');
    await h.apiJson('requiremasterpasswordchange', { username: 'a@x.io' });
    const report = await h.apiJson<{ status: string; next: null; events: Array<Record<string, string>> }>('reporting', {
      ...ALL_TIME,
      format: 'siem',
    });
    expect(report.status).toBe('OK');
    expect(report.events).toEqual([
      {
        Time: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/) as unknown,
        Username: 'a@x.io',
        IP_Address: '127.0.0.1',
        Action: 'Require Password Change',
        Data: 'a@x.io',
        ID: '1',
      },
    ]);
  });

  it('refuses a request without from/to, with a bad date or format', async () => {
    const h = await startHarness();
    expect(await h.apiJson('reporting', {})).toEqual({
      status: 'FAIL',
      errors: ['from must be "YYYY-MM-DD HH:MM:SS" (US/Eastern)', 'to must be "YYYY-MM-DD HH:MM:SS" (US/Eastern)'],
    });
    expect(await h.apiJson('reporting', { from: '2024-02-30 00:00:00', to: '2024-03-01 00:00:00', format: 'csv' })).toEqual({
      status: 'FAIL',
      errors: ['from must be "YYYY-MM-DD HH:MM:SS" (US/Eastern)', 'format must be "siem" or absent'],
    });
  });
});
