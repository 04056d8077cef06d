import { afterEach, describe, expect, it } from 'vitest';

import { DEFAULT_BREAKER } from '../../src/outbox/breaker.ts';
import { ENGINES } from '../support/databases.ts';
import { DispatchHarness } from '../support/dispatch-harness.ts';
import { waitFor } from '../support/wait-for.ts';

const people = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
const email = (person: string): string => `${person}@acme.example`;

describe.each(ENGINES)('dispatcher against the simulator on %s', (engine) => {
  let harness: DispatchHarness | undefined;
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && harness !== undefined) {
      const errors = harness.logs.lines().filter((l) => l.level === 'error' || l.level === 'fatal');
      console.error(JSON.stringify(errors.slice(0, 5), null, 1));
    }
    await harness?.stop();
    harness = undefined;
  });

  it('merges many people into batch calls and keeps each person in order', async () => {
    const h = (harness = await DispatchHarness.start(engine, { batchSize: 50 }));
    const joiners = people('j', 120);
    for (const p of joiners) {
      await h.enqueue(p, [
        { kind: 'add_user', username: email(p), groups: ['hr-all'] },
        { kind: 'change_groups', username: email(p), add: ['hr-sales'], del: ['hr-all'] },
        { kind: 'disable_user', username: email(p) },
      ]);
    }
    h.dispatcher.start();
    expect(await h.settled()).toMatchObject({ done: 360, dead: 0 });

    const calls = await h.calls();
    // 120 people x 3 steps in batches of at most 50: 3 calls per step.
    expect(calls.filter((c) => c.cmd === 'batchadd')).toHaveLength(3);
    expect(calls.filter((c) => c.cmd === 'batchchangegrp')).toHaveLength(3);
    expect(calls.filter((c) => c.cmd === 'disableuser')).toHaveLength(3);
    // Per person: add, then groups, then disable.
    const order = new Map<string, string[]>();
    for (const call of calls) {
      const entries = call.data as (string | { username: string })[];
      for (const entry of entries) {
        const user = typeof entry === 'string' ? entry : entry.username;
        order.set(user, [...(order.get(user) ?? []), call.cmd]);
      }
    }
    for (const p of joiners) expect(order.get(email(p))).toEqual(['batchadd', 'batchchangegrp', 'disableuser']);
    const { users } = await h.simState();
    expect(users.filter((u) => u.disabled && u.groups?.join() === 'hr-sales')).toHaveLength(120);
  });

  it('on stop, lets the call in flight finish and hands the unsent rest of the round back at once', async () => {
    // One command per call, two calls a second: a round of 4 claimed commands takes seconds.
    const h = (harness = await DispatchHarness.start(engine, { batchSize: 1, maxInFlight: 4, rate: { perSecond: 2, burst: 1 } }));
    await h.faults({ latency: 150 });
    const joiners = people('s', 8);
    for (const p of joiners) await h.enqueue(p, [{ kind: 'add_user', username: email(p), groups: [] }]);
    h.dispatcher.start();
    await waitFor(async () => (await h.calls('batchadd')).length >= 1, { description: 'the first call' });
    await h.dispatcher.stop();

    const counts = await h.admin.countByStatus();
    const sent = await h.calls('batchadd');
    // Every call that went out was recorded; nothing is left under a lease.
    expect(counts.in_flight).toBe(0);
    expect(counts.done).toBe(sent.length);
    expect(counts.pending).toBe(8 - sent.length);
    const pending = await h.admin.list({ status: 'pending' });
    const released = pending.filter((e) => e.lastError === 'released unsent: lpprov was stopping');
    expect(released.length).toBeGreaterThan(0);
    // Never sent, so no attempt is counted against them.
    for (const entry of pending) expect(entry.attempts).toBe(0);

    // The next start (here: the same dispatcher) takes them without waiting for a lease to expire.
    h.dispatcher.start();
    expect(await h.settled()).toMatchObject({ done: 8, dead: 0 });
    const adds = (await h.calls('batchadd')).flatMap((c) => (c.data as { username: string }[]).map((u) => u.username));
    expect(adds.sort()).toEqual(joiners.map(email).sort());
  });

  it('case 6: counts an invitation LastPass applied but whose answer was lost as done when the retry hears "already exists"', async () => {
    const h = (harness = await DispatchHarness.start(engine));
    await h.behaviour({ batchaddExisting: 'error' });
    await h.faults({ nextFaults: [{ kind: 'dropAfterApply', count: 1, cmd: 'batchadd' }] });
    await h.enqueue('lost', [
      { kind: 'add_user', username: email('lost'), groups: ['hr-all'] },
      { kind: 'change_groups', username: email('lost'), add: ['hr-eng'], del: [] },
    ]);
    h.dispatcher.start();
    expect(await h.settled()).toMatchObject({ done: 2, dead: 0 });
    const adds = await h.calls('batchadd');
    expect(adds.map((call) => call.fault ?? call.outcome)).toEqual(['dropAfterApply', expect.stringMatching(/fail|rejected|error/)]);
    const [entry] = await h.admin.list({ kind: 'add_user' });
    expect(entry?.status).toBe('done');
    const user = (await h.simState()).users.find((u) => u.username === email('lost'));
    expect(user?.groups?.sort()).toEqual(['hr-all', 'hr-eng']);
  });

  it('resolves a partial batch answer per person', async () => {
    const h = (harness = await DispatchHarness.start(engine));
    await h.behaviour({ autoCreateGroups: false });
    await h.seedUsers([{ username: email('known1') }, { username: email('known2') }, { username: email('odd') }]);
    await h.control('groups', { names: ['hr-it'] });
    await h.enqueue('known1', [{ kind: 'change_groups', username: email('known1'), add: ['hr-it'], del: [] }]);
    await h.enqueue('odd', [
      { kind: 'change_groups', username: email('odd'), add: ['hr-no-such-group'], del: [] },
      { kind: 'disable_user', username: email('odd') },
    ]);
    await h.enqueue('known2', [{ kind: 'change_groups', username: email('known2'), add: ['hr-it'], del: [] }]);
    h.dispatcher.start();
    const counts = await h.settled();
    expect(counts).toMatchObject({ done: 2, dead: 1, pending: 1 });

    const [warn] = await h.calls('batchchangegrp');
    expect(warn?.outcome).toBe('partial');
    const dead = await h.admin.list({ status: 'dead' });
    expect(dead.map((d) => [d.personId, d.kind])).toEqual([['odd', 'change_groups']]);
    expect(dead[0]?.lastError).toContain('does not exist');
    // The dead command holds odd's later command; the others went on.
    expect((await h.admin.list({ personId: 'odd', status: 'pending' })).map((e) => e.kind)).toEqual(['disable_user']);
    expect(await h.calls('disableuser')).toEqual([]);
  });

  it('sends a change for a user LastPass does not know, of a person who is working, as an invitation', async () => {
    const h = (harness = await DispatchHarness.start(engine));
    await h.enqueue('ghost', [
      { kind: 'change_groups', username: email('ghost'), add: ['hr-it'], del: [] },
      { kind: 'update_user', username: email('ghost'), fullname: 'Ghost' },
    ]);
    h.dispatcher.start();
    expect(await h.settled()).toMatchObject({ done: 2, dead: 0 });
    const [first] = await h.admin.list({ personId: 'ghost' });
    expect(first).toMatchObject({ kind: 'add_user', status: 'done' });
    expect((await h.simState()).users.map((u) => u.username)).toEqual([email('ghost')]);
  });

  it('rides out a 429 storm: the account waits, nobody burns attempts, everything lands', async () => {
    const h = (harness = await DispatchHarness.start(engine, { batchSize: 5, maxInFlight: 2 }));
    await h.faults({ nextFaults: [{ kind: 'http429', count: 6 }], retryAfterSeconds: 1 });
    for (const p of people('t', 20)) await h.enqueue(p, [{ kind: 'add_user', username: email(p), groups: [] }]);
    h.dispatcher.start();
    expect(await h.settled()).toMatchObject({ done: 20, dead: 0 });

    const calls = await h.calls();
    expect(calls.filter((c) => c.fault === 'http429').length).toBeGreaterThanOrEqual(1);
    const entries = await h.admin.list({ limit: 100 });
    expect(Math.max(...entries.map((e) => e.attempts))).toBe(1); // throttling cost no attempt
    expect(h.logs.text()).toContain('LastPass throttled dispatch; the account waits');
    expect(await h.metrics.registry.getSingleMetricAsString('lpprov_dispatch_paused')).toContain('reason="throttled"');
  });

  it('retries 5xx bursts with backoff and dead-letters what keeps failing', async () => {
    const h = (harness = await DispatchHarness.start(engine, { backoff: { baseMs: 10, capMs: 40, maxAttempts: 4 } }));
    await h.faults({ nextFaults: [{ kind: 'http503', count: 3, cmd: 'batchadd' }] });
    for (const p of people('b', 10)) await h.enqueue(p, [{ kind: 'add_user', username: email(p), groups: [] }]);
    h.dispatcher.start();
    expect(await h.settled()).toMatchObject({ done: 10, dead: 0 });
    expect((await h.calls('batchadd')).map((c) => c.fault ?? 'ok')).toEqual(['http503', 'http503', 'http503', 'ok']);

    await h.faults({ nextFaults: [{ kind: 'http500', count: 10, cmd: 'disableuser' }] });
    await h.enqueue('b000', [{ kind: 'disable_user', username: email('b000') }]);
    h.dispatcher.wake();
    expect(await h.settled()).toMatchObject({ dead: 1 });
    const [dead] = await h.admin.list({ status: 'dead' });
    expect(dead?.lastError).toMatch(/^gave up after 4 attempts/);
  });

  it('pauses the account when the credentials are refused, alerts, and resumes when they work again', async () => {
    const h = (harness = await DispatchHarness.start(engine));
    await h.faults({ authBroken: true });
    for (const p of people('a', 5)) await h.enqueue(p, [{ kind: 'add_user', username: email(p), groups: [] }]);
    h.dispatcher.start();
    await waitFor(() => h.logs.text().includes('lastpass_auth_failed'), { description: 'the auth alert' });
    // Paused: a few probes at most, no attempt burned, nothing dead.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const probes = (await h.calls('batchadd')).length;
    expect(probes).toBeLessThanOrEqual(4);
    expect(await h.admin.countByStatus()).toMatchObject({ dead: 0, done: 0 });
    expect(Math.max(...(await h.admin.list({})).map((e) => e.attempts))).toBe(0);
    expect(await h.metrics.registry.getSingleMetricAsString('lpprov_dispatch_paused')).toMatch(/reason="auth"} 1/);

    await h.faults({ authBroken: false });
    expect(await h.settled()).toMatchObject({ done: 5, dead: 0 });
    await waitFor(() => h.logs.text().includes('dispatch resumed'), { description: 'the resume log line' });
    expect(await h.metrics.registry.getSingleMetricAsString('lpprov_dispatch_paused')).toMatch(/reason="auth"} 0/);
    expect(h.logs.text()).not.toContain('dispatch-test-provhash');
  });

  it('parks a mass offboarding for approval while joiners keep flowing', async () => {
    const h = (harness = await DispatchHarness.start(engine, {
      breaker: { ...DEFAULT_BREAKER, enabled: true, maxPerWindow: 5, maxShare: 1 },
    }));
    const leavers = people('l', 12);
    await h.seedUsers(leavers.map((p) => ({ username: email(p) })));
    for (const p of leavers) await h.enqueue(p, [{ kind: 'disable_user', username: email(p) }]);
    for (const p of people('n', 3)) await h.enqueue(p, [{ kind: 'add_user', username: email(p), groups: [] }]);
    h.dispatcher.start();
    expect(await h.settled()).toMatchObject({ done: 3, awaiting_approval: 12 });
    expect(await h.calls('disableuser')).toEqual([]);
    expect(h.logs.text()).toContain('mass-change breaker tripped');
    expect(await h.metrics.registry.getSingleMetricAsString('lpprov_breaker_open')).toContain('lpprov_breaker_open 1');

    expect(await h.admin.approve('all', 'test-operator', Date.now())).toBe(12);
    h.dispatcher.wake();
    expect(await h.settled()).toMatchObject({ done: 15, awaiting_approval: 0 });
    const { users } = await h.simState();
    expect(users.filter((u) => u.disabled)).toHaveLength(12);
  });

  it('sends an email-sending command at most once when its answer is lost', async () => {
    const h = (harness = await DispatchHarness.start(engine));
    await h.seedUsers([{ username: email('pw') }]);
    await h.faults({ nextFaults: [{ kind: 'dropAfterApply', count: 1, cmd: 'resetpassword' }] });
    await h.enqueue('pw', [{ kind: 'reset_password', username: email('pw') }]);
    h.dispatcher.start();
    expect(await h.settled()).toMatchObject({ dead: 1 });
    const [dead] = await h.admin.list({ status: 'dead' });
    expect(dead?.lastError).toContain('not resent automatically');
    const emails = (await (await fetch(`${h.simulator.url}/_simulator/emails?kind=password-reset`)).json()) as { emails: unknown[] };
    expect(emails.emails).toHaveLength(1);
    expect(await h.calls('resetpassword')).toHaveLength(1);
  });
});
