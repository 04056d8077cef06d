import { describe, expect, it } from 'vitest';

import type { FaultSettings } from '../../../src/simulator/index.ts';
import { CID, PROVHASH, startHarness } from './support/harness.ts';

const AUTH_ERROR = '<?xml version="1.0" encoding="UTF-8"?>\n<lastpass rc="Authorization Error"/>\n';

describe('transport and envelope', () => {
  it('answers JSON with HTTP 200 and the recorded LastPass headers', async () => {
    const h = await startHarness();
    const answer = await h.api('getuserdata', 'all');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/xml;charset=UTF-8');
    expect(answer.headers.get('server')).toBe('LastPass');
    expect(answer.headers.get('cache-control')).toBe('no-cache,private,no-store');
    expect(answer.json).toEqual({ total: 0, count: 0, Users: [], Groups: [] });
  });

  it.each([
    ['a wrong cid', { cid: 1234 }],
    ['a wrong provhash', { provhash: 'not-the-hash' }],
    ['no credentials', { cid: undefined, provhash: undefined }],
    ['a cid that is not a number', { cid: 'abc' }],
  ])('answers %s with the 76-byte XML authorization error', async (_label, envelope) => {
    const h = await startHarness();
    const answer = await h.api('getuserdata', null, envelope);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/xml;charset=UTF-8');
    expect(answer.text).toBe(AUTH_ERROR);
    expect(Buffer.byteLength(answer.text)).toBe(76);
  });

  it('accepts cid as a number or a numeric string', async () => {
    const h = await startHarness();
    expect((await h.api('getuserdata', null, { cid: Number(CID) })).json).toMatchObject({ total: 0 });
    expect((await h.api('getuserdata', null, { cid: CID })).json).toMatchObject({ total: 0 });
  });

  it('answers an unreadable body with the authorization error (no credentials can be read)', async () => {
    const h = await startHarness();
    const res = await fetch(h.sim.endpoint, { method: 'POST', body: '{not json' });
    expect(await res.text()).toBe(AUTH_ERROR);
  });

  it('accepts a form-encoded envelope with JSON data or PHP bracket names', async () => {
    const h = await startHarness();
    const form = (fields: Record<string, string>) =>
      fetch(h.sim.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ cid: CID, provhash: PROVHASH, ...fields }).toString(),
      }).then((r) => r.text());
    expect(await form({ cmd: 'batchadd', data: JSON.stringify([{ username: 'a@example.com' }]) })).toBe('{"status":"OK"}');
    expect(
      await form({ cmd: 'batchadd', 'data[0][username]': 'b@example.com', 'data[0][groups][]': 'Sales' }),
    ).toBe('{"status":"OK"}');
    const users = JSON.parse(await form({ cmd: 'getuserdata', data: 'all' })) as { total: number; Groups: unknown };
    expect(users.total).toBe(2);
    expect(users.Groups).toEqual({ Sales: ['b@example.com'] });
  });

  it('reads a JSON body sent with a form content type (as curl -d sends it)', async () => {
    const h = await startHarness();
    const res = await fetch(h.sim.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: JSON.stringify({ cid: CID, provhash: PROVHASH, cmd: 'getuserdata', data: 'all' }),
    });
    expect(await res.text()).toBe('{"total":0,"count":0,"Users":[],"Groups":[]}');
  });

  it('accepts and ignores apiuser, but records it in the call log', async () => {
    const h = await startHarness();
    expect((await h.api('getuserdata', null, { apiuser: 'guardian' })).json).toMatchObject({ total: 0 });
    const { calls } = await h.control<{ calls: Array<{ apiuser?: string }> }>('/_simulator/calls');
    expect(calls[0]?.apiuser).toBe('guardian');
  });

  it('escapes "/" and non-ASCII characters as PHP json_encode does', async () => {
    const h = await startHarness();
    await h.api('batchadd', [{ username: 'z@example.com', fullname: 'Zoë A/B' }]);
    const answer = await h.api('getuserdata', { username: 'z@example.com' });
    expect(answer.text).toContain('"fullname":"Zo\\u00eb A\\/B"');
    expect(answer.json).toMatchObject({ Users: { '4200001': { fullname: 'Zoë A/B' } } });
  });

  it('refuses pushsitestousers as removed (non-OK, says why)', async () => {
    const h = await startHarness();
    const answer = await h.apiJson<{ status: string; errors: string[] }>('pushsitestousers', { users: 'all', url: 'x' });
    expect(answer.status).toBe('FAIL');
    expect(answer.errors[0]).toContain('no longer available');
  });

  it('answers an unknown or missing cmd with FAIL, not with the authorization error', async () => {
    const h = await startHarness();
    expect(await h.apiJson('getserdata', '')).toEqual({ status: 'FAIL', errors: ['unknown command: getserdata'] });
    expect(await h.apiJson('BatchAdd', [])).toEqual({ status: 'FAIL', errors: ['unknown command: BatchAdd'] });
    expect(await h.apiJson('constructor')).toEqual({ status: 'FAIL', errors: ['unknown command: constructor'] });
    expect((await h.api('', null)).json).toEqual({ status: 'FAIL', errors: ['cmd is missing'] });
  });

  it('takes only POST on the endpoint, and 404s other paths', async () => {
    const h = await startHarness();
    const get = await fetch(h.sim.endpoint);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await fetch(`${h.sim.url}/enterpriseapi`)).status).toBe(404);
  });

  it('exposes url, endpoint and port, and refuses bad options clearly', async () => {
    const h = await startHarness();
    expect(h.sim.url).toBe(`http://127.0.0.1:${h.sim.port}`);
    expect(h.sim.endpoint).toBe(`${h.sim.url}/enterpriseapi.php`);
    await expect(startHarness({ cid: 'acme' })).rejects.toThrow(/cid must be an account number/);
    await expect(startHarness({ faults: { probabilities: { drop: 2 } } })).rejects.toThrow(/probabilities.drop must be a number from 0 to 1/);
  });

  it('takes a Partial<FaultSettings> as its initial faults', async () => {
    const faults: Partial<FaultSettings> = { authBroken: true, latency: { minMs: 0, maxMs: 1 } };
    const h = await startHarness({ faults });
    expect((await h.api('getuserdata')).text).toBe(AUTH_ERROR);
  });

  it('stop() closes open keep-alive sockets and pending slow answers', async () => {
    const h = await startHarness({ faults: { latency: 60_000 } });
    const pending = h.api('getuserdata').catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await h.sim.stop();
    // Well before the slow answer was due: stop() did not wait for it.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await pending).toBeInstanceOf(Error);
  });
});
