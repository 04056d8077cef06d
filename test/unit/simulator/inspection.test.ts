import { describe, expect, it } from 'vitest';

import type { CallRecord } from '../../../src/simulator/index.ts';
import { addUsers, emailsOf, PROVHASH, seedActive, startHarness, stateOf } from './support/harness.ts';

describe('call log', () => {
  it('records every call in order with seq, time, cmd, masked data, statuses and duration', async () => {
    const h = await startHarness();
    await h.api('batchadd', [{ username: 'a@x.io', password: 'Pa55word!' }]);
    await h.api('getuserdata', { username: 'a@x.io' });
    await h.api('getuserdata', null, { provhash: 'wrong' });
    const { calls } = await h.control<{ calls: CallRecord[] }>('/_simulator/calls');
    expect(calls.map((c) => [c.seq, c.cmd, c.httpStatus, c.status, c.outcome])).toEqual([
      [1, 'batchadd', 200, 'OK', 'ok'],
      [2, 'getuserdata', 200, null, 'ok'],
      [3, 'getuserdata', 200, 'Authorization Error', 'auth-error'],
    ]);
    expect(calls[0]?.data).toEqual([{ username: 'a@x.io', password: '********' }]);
    expect(Date.parse(calls[0]?.time ?? '')).not.toBeNaN();
    expect(calls[0]?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('never shows the provisioning hash anywhere, wherever a client puts it', async () => {
    const lines: string[] = [];
    const h = await startHarness({ onCall: (call) => lines.push(JSON.stringify(call)) });
    await h.api('batchadd', [{ username: 'a@x.io', fullname: PROVHASH, attribs: { provhash: PROVHASH } }]);
    await h.api('getuserdata', { provhash: PROVHASH }, { apiuser: PROVHASH });
    await h.api('getuserdata', null, { cid: 1 });
    const outputs = await Promise.all(
      ['/_simulator/calls', '/_simulator/state', '/_simulator/emails', '/_simulator/faults', '/_simulator/behaviour', '/_simulator']
        .map((path) => fetch(`${h.sim.url}${path}`).then((r) => r.text())),
    );
    expect(lines).toHaveLength(3);
    for (const text of [...outputs, ...lines]) expect(text).not.toContain(PROVHASH);
  });

  it('filters by cmd, since and limit', async () => {
    const h = await startHarness();
    await addUsers(h, 'a@x.io');
    await h.api('getuserdata');
    await h.api('getuserdata');
    await h.api('disableuser', ['a@x.io']);
    const get = async (query: string) =>
      (await h.control<{ calls: CallRecord[] }>(`/_simulator/calls${query}`)).calls.map((c) => [c.seq, c.cmd]);
    expect(await get('?cmd=getuserdata')).toEqual([
      [2, 'getuserdata'],
      [3, 'getuserdata'],
    ]);
    expect(await get('?since=2')).toEqual([
      [3, 'getuserdata'],
      [4, 'disableuser'],
    ]);
    expect(await get('?since=1&limit=1')).toEqual([[2, 'getuserdata']]);
    expect((await h.controlRaw('GET', '/_simulator/calls?since=-1')).status).toBe(400);
  });

  it('keeps at most callLogLimit calls, the newest', async () => {
    const h = await startHarness({ callLogLimit: 5 });
    for (let i = 0; i < 12; i++) await h.api('getuserdata');
    const { calls } = await h.control<{ calls: CallRecord[] }>('/_simulator/calls');
    expect(calls.length).toBeLessThanOrEqual(6);
    expect(calls.at(-1)?.seq).toBe(12);
    const since = await h.control<{ calls: CallRecord[] }>('/_simulator/calls?since=10');
    expect(since.calls.map((c) => c.seq)).toEqual([11, 12]);
  });
});

describe('emails, state and reset', () => {
  it('lists emails with seq, time, to and kind, filtered by to and kind', async () => {
    const h = await startHarness();
    await addUsers(h, 'a@x.io', 'b@x.io');
    await h.api('reinviteuser', { username: 'a@x.io' });
    const all = await emailsOf(h);
    expect(all.map((e) => [e.seq, e.to, e.kind])).toEqual([
      [1, 'a@x.io', 'invitation'],
      [2, 'b@x.io', 'invitation'],
      [3, 'a@x.io', 'reinvitation'],
    ]);
    expect(Date.parse(all[0]?.time ?? '')).not.toBeNaN();
    expect((await emailsOf(h, '?to=A@x.io')).length).toBe(2);
    expect((await emailsOf(h, '?kind=reinvitation')).map((e) => e.to)).toEqual(['a@x.io']);
  });

  it('turns an invited user active on accept, and refuses a second accept', async () => {
    const h = await startHarness();
    await addUsers(h, 'a@x.io');
    const accepted = await h.control<{ status: string; invited: boolean; active: boolean }>('/_simulator/users/accept', {
      username: 'a@x.io',
    });
    expect(accepted).toMatchObject({ status: 'active', invited: false, active: true });
    const again = await h.controlRaw('POST', '/_simulator/users/accept', { username: 'a@x.io' });
    expect(again.status).toBe(409);
    expect((await h.controlRaw('POST', '/_simulator/users/accept', { username: 'ghost@x.io' })).status).toBe(404);
  });

  it('reset empties state, calls and emails but keeps faults unless asked', async () => {
    const h = await startHarness({ faults: { latency: 5 } });
    await addUsers(h, 'a@x.io');
    await h.control('/_simulator/faults', { latency: 20, batchMax: 50 });
    await h.control('/_simulator/reset', {});
    expect((await stateOf(h)).users).toEqual([]);
    expect((await h.control<{ calls: unknown[] }>('/_simulator/calls')).calls).toEqual([]);
    expect(await emailsOf(h)).toEqual([]);
    expect((await h.control<{ latency: unknown }>('/_simulator/faults')).latency).toEqual({ minMs: 20, maxMs: 20 });
    await h.control('/_simulator/reset', { faults: true });
    const faults = await h.control<{ latency: unknown; batchMax: Record<string, unknown> }>('/_simulator/faults');
    expect(faults.latency).toEqual({ minMs: 5, maxMs: 5 });
    expect(faults.batchMax.batchadd).toBeNull();
    // User ids start again after a reset.
    await addUsers(h, 'b@x.io');
    expect((await stateOf(h)).users[0]?.id).toBe(4200001);
  });

  it('changes behaviour at run time and refuses unknown keys', async () => {
    const h = await startHarness();
    const updated = await h.control<{ batchaddExisting: string }>('/_simulator/behaviour', { batchaddExisting: 'error' });
    expect(updated.batchaddExisting).toBe('error');
    const bad = await h.controlRaw('POST', '/_simulator/behaviour', { autoCreateGroup: false });
    expect(bad.status).toBe(400);
    await seedActive(h, 'a@x.io');
    expect(await h.apiJson('batchadd', [{ username: 'a@x.io' }])).toEqual({ status: 'FAIL', errors: ['a@x.io already exists'] });
  });

  it('answers unknown routes, wrong methods and non-JSON bodies clearly', async () => {
    const h = await startHarness();
    expect((await h.controlRaw('GET', '/_simulator/nope')).status).toBe(404);
    expect((await h.controlRaw('DELETE', '/_simulator/state')).status).toBe(405);
    const res = await fetch(`${h.sim.url}/_simulator/faults`, { method: 'POST', body: '{oops' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'the body must be JSON' });
  });
});
