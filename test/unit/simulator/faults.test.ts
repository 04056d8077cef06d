import { describe, expect, it } from 'vitest';

import { startHarness, stateOf, userOf, type Harness } from './support/harness.ts';

const AUTH_ERROR = '<?xml version="1.0" encoding="UTF-8"?>\n<lastpass rc="Authorization Error"/>\n';

async function nextFault(h: Harness, kind: string, extra: Record<string, unknown> = {}): Promise<void> {
  await h.control('/_simulator/faults', { nextFaults: [{ kind, count: 1 }], ...extra });
}

interface LoggedCall {
  seq: number;
  cmd: string;
  httpStatus: number | null;
  status: string | null;
  outcome: string;
  fault: string | null;
  durationMs: number;
}

async function calls(h: Harness): Promise<LoggedCall[]> {
  return (await h.control<{ calls: LoggedCall[] }>('/_simulator/calls')).calls;
}

describe('fault injection', () => {
  it.each([
    ['http500', 500, 'LastPass'],
    ['http502', 502, 'AkamaiGHost'],
    ['http503', 503, 'AkamaiGHost'],
  ])('%s answers an HTML error page with HTTP %i and changes nothing', async (kind, status, server) => {
    const h = await startHarness();
    await nextFault(h, kind);
    const answer = await h.api('batchadd', [{ username: 'a@x.io' }]);
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toBe('text/html');
    expect(answer.headers.get('server')).toBe(server);
    expect(answer.json).toBeUndefined();
    expect((await stateOf(h)).users).toEqual([]);
    expect((await h.api('batchadd', [{ username: 'a@x.io' }])).text).toBe('{"status":"OK"}');
  });

  it('http429 answers 429 with Retry-After and a non-JSON body', async () => {
    const h = await startHarness();
    await nextFault(h, 'http429', { retryAfterSeconds: 7 });
    const answer = await h.api('getuserdata');
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('7');
    expect(answer.text).toContain('429 Too Many Requests');
    expect(answer.json).toBeUndefined();
  });

  it('html403 answers the HTML "Access Denied" page of an Akamai edge', async () => {
    const h = await startHarness();
    await nextFault(h, 'html403');
    const answer = await h.api('getuserdata');
    expect(answer.status).toBe(403);
    expect(answer.headers.get('server')).toBe('AkamaiGHost');
    expect(answer.text).toContain('<TITLE>Access Denied</TITLE>');
    expect(answer.headers.get('retry-after')).toBeNull();
  });

  it('drop destroys the connection without answering and without applying the command', async () => {
    const h = await startHarness();
    await nextFault(h, 'drop');
    await expect(h.api('batchadd', [{ username: 'a@x.io' }])).rejects.toThrow(/fetch failed/);
    expect((await stateOf(h)).users).toEqual([]);
    const [call] = await calls(h);
    expect(call).toMatchObject({ cmd: 'batchadd', httpStatus: null, outcome: 'fault', fault: 'drop' });
  });

  it('dropAfterApply applies the command, then loses the answer', async () => {
    const h = await startHarness();
    await nextFault(h, 'dropAfterApply');
    await expect(h.api('batchadd', [{ username: 'a@x.io' }])).rejects.toThrow(/fetch failed/);
    expect((await userOf(h, 'a@x.io'))?.invited).toBe(true);
    expect((await calls(h))[0]).toMatchObject({ httpStatus: null, status: 'OK', fault: 'dropAfterApply' });
  });

  it('slow answers normally after slowMs more', async () => {
    const h = await startHarness();
    await nextFault(h, 'slow', { slowMs: 150 });
    const started = performance.now();
    expect((await h.api('getuserdata')).json).toMatchObject({ total: 0 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect((await calls(h))[0]).toMatchObject({ outcome: 'ok', fault: 'slow' });
  });

  it('authError answers the XML authorization error to good credentials', async () => {
    const h = await startHarness();
    await nextFault(h, 'authError');
    expect((await h.api('getuserdata')).text).toBe(AUTH_ERROR);
    expect((await h.api('getuserdata')).json).toMatchObject({ total: 0 });
  });

  it('authBroken answers every call with the authorization error until switched off', async () => {
    const h = await startHarness({ faults: { authBroken: true } });
    expect((await h.api('getuserdata')).text).toBe(AUTH_ERROR);
    expect((await h.api('batchadd', [{ username: 'a@x.io' }])).text).toBe(AUTH_ERROR);
    await h.control('/_simulator/faults', { authBroken: false });
    expect((await h.api('getuserdata')).json).toEqual({ total: 0, count: 0, Users: [], Groups: [] });
    expect((await calls(h)).map((c) => c.outcome)).toEqual(['auth-error', 'auth-error', 'ok']);
  });

  it('nextFaults can target one command, and GET shows what is left', async () => {
    const h = await startHarness();
    await h.control('/_simulator/faults', { nextFaults: [{ kind: 'http503', count: 2, cmd: 'batchadd' }] });
    expect((await h.api('getuserdata')).status).toBe(200);
    expect((await h.api('batchadd', [{ username: 'a@x.io' }])).status).toBe(503);
    expect((await h.control<{ nextFaults: unknown }>('/_simulator/faults')).nextFaults).toEqual([
      { kind: 'http503', count: 1, cmd: 'batchadd' },
    ]);
    expect((await h.api('batchadd', [{ username: 'a@x.io' }])).status).toBe(503);
    expect((await h.api('batchadd', [{ username: 'a@x.io' }])).status).toBe(200);
    expect((await h.control<{ nextFaults: unknown }>('/_simulator/faults')).nextFaults).toEqual([]);
  });

  it('draws random faults reproducibly from a seed', async () => {
    const h = await startHarness({ faults: { probabilities: { http503: 0.4 }, seed: 42 } });
    const run = async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await h.api('getuserdata')).status);
      return statuses;
    };
    const first = await run();
    await h.control('/_simulator/faults', { seed: 42 });
    const second = await run();
    expect(second).toEqual(first);
    const failures = first.filter((s) => s === 503).length;
    expect(failures).toBeGreaterThan(3);
    expect(failures).toBeLessThan(27);
  });

  it('adds fixed or ranged latency', async () => {
    // Long enough that a call without it stays below it even on a loaded machine.
    const h = await startHarness({ faults: { latency: 1_500 } });
    let started = performance.now();
    await h.api('getuserdata');
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_495);
    await h.control('/_simulator/faults', { latency: { minMs: 0, maxMs: 0 } });
    started = performance.now();
    await h.api('getuserdata');
    expect(performance.now() - started).toBeLessThan(1_495);
  });

  it('refuses invalid settings with every problem, and leaves the settings unchanged', async () => {
    const h = await startHarness();
    const res = await h.controlRaw('POST', '/_simulator/faults', {
      probabilities: { http503: 0.7, drop: 0.6 },
      latency: { minMs: 50, maxMs: 10 },
      nextFaults: [{ kind: 'meteor' }],
      retryAfter: 3,
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { problems: string[] };
    expect(body.problems).toEqual([
      'retryAfter is not a setting (known: latency, rateLimit, probabilities, slowMs, retryAfterSeconds, nextFaults, seed, batchMax, authBroken)',
      'latency.maxMs (10) must not be below latency.minMs (50)',
      'the fault probabilities add up to 1.3; at most 1 is possible',
      'nextFaults[0].kind must be one of http500, http502, http503, http429, html403, drop, dropAfterApply, slow, authError (got "meteor")',
    ]);
    const settings = await h.control<{ probabilities: Record<string, number> }>('/_simulator/faults');
    expect(settings.probabilities.http503).toBe(0);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once the account\'s burst is spent, without applying the call', async () => {
    // A token every 5 s: the fourth call comes before the next one however slow the machine.
    const h = await startHarness({ faults: { rateLimit: { requestsPerSecond: 0.2, burst: 3 } } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await h.api('batchadd', [{ username: `u${i}@x.io` }])).status);
    const limited = await h.api('batchadd', [{ username: 'late@x.io' }]);
    expect(statuses).toEqual([200, 200, 200]);
    expect(limited.status).toBe(429);
    // The whole seconds until the next token: at most the 5 s a token takes.
    expect(limited.headers.get('retry-after')).toMatch(/^[1-5]$/);
    expect(limited.json).toBeUndefined();
    expect(await userOf(h, 'late@x.io')).toBeUndefined();
    expect((await calls(h)).at(-1)).toMatchObject({ httpStatus: 429, outcome: 'rate-limited' });
  });

  it('limits each account separately and refills over time', async () => {
    // One token every 2 s: the second call is refused however slowly the machine runs it.
    const h = await startHarness({ faults: { rateLimit: { requestsPerSecond: 0.5, burst: 1 } } });
    expect((await h.api('getuserdata')).status).toBe(200);
    expect((await h.api('getuserdata')).status).toBe(429);
    // Another cid has its own bucket (and then fails authorization, as it should).
    expect((await h.api('getuserdata', null, { cid: 42 })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await h.api('getuserdata')).status).toBe(200);
  });

  it('can be switched on and off at run time', async () => {
    const h = await startHarness();
    await h.control('/_simulator/faults', { rateLimit: 1 });
    expect((await h.api('getuserdata')).status).toBe(200);
    expect((await h.api('getuserdata')).status).toBe(429);
    await h.control('/_simulator/faults', { rateLimit: null });
    expect((await h.api('getuserdata')).status).toBe(200);
  });
});
