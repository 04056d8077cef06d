import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { LastPassCallObservation } from '../../../src/lastpass/client-options.ts';
import { LastPassAuthError, LastPassRejectedError, LastPassRemovedCommandError } from '../../../src/lastpass/errors.ts';
import type { LastPassClient } from '../../../src/lastpass/lastpass.client.ts';
import { AUTH_ERROR_XML, BATCHCHANGEGRP_FAIL, BATCHCHANGEGRP_WARN, GETUSERDATA_RECORDED } from './support/reference-answers.ts';
import { startScriptedServer, type ScriptedServer } from './support/scripted-server.ts';
import { type CapturedLog, testClient } from './support/test-client.ts';

let server: ScriptedServer;
let client: LastPassClient;
let log: CapturedLog;
let calls: LastPassCallObservation[];
let observe: (call: LastPassCallObservation) => void;

beforeEach(async () => {
  server = await startScriptedServer();
  calls = [];
  observe = (call) => calls.push(call);
  ({ client, log } = testClient(server.url, { onCall: (call) => observe(call) }));
});

afterEach(async () => {
  await client.close();
  await server.close();
});

const seen = (): [string, string][] => calls.map((c) => [c.command, c.outcome]);

/** The metrics observer hears of every HTTP request with the client's own classification. */
describe('onCall observer', () => {
  it('reports each in-request retry as its own call', async () => {
    server.script({ status: 503, body: 'busy' }, { body: GETUSERDATA_RECORDED });
    await client.getUserData({ username: 'ann@example.com' });
    expect(seen()).toEqual([
      ['getuserdata', 'transient'],
      ['getuserdata', 'ok'],
    ]);
    expect(calls.every((c) => c.durationMs >= 0 && Number.isFinite(c.durationMs))).toBe(true);
  });

  it('tells partial, permanent and auth answers apart', async () => {
    const change = [{ username: 'ghost@example.com', add: ['Eng'] }];
    server.script({ body: BATCHCHANGEGRP_WARN });
    await client.changeGroups(change);
    server.script({ body: BATCHCHANGEGRP_FAIL });
    await expect(client.changeGroups(change)).rejects.toBeInstanceOf(LastPassRejectedError);
    server.script({ body: AUTH_ERROR_XML });
    await expect(client.changeGroups(change)).rejects.toBeInstanceOf(LastPassAuthError);
    expect(seen()).toEqual([
      ['batchchangegrp', 'partial'],
      ['batchchangegrp', 'permanent'],
      ['batchchangegrp', 'auth'],
    ]);
  });

  it('reports a request that got no answer as network', async () => {
    server.script({ drop: true });
    await expect(client.getUserData({ username: 'ann@example.com' })).rejects.toThrow();
    expect(seen()).toEqual([
      ['getuserdata', 'network'],
      ['getuserdata', 'network'],
      ['getuserdata', 'network'],
    ]);
  });

  it('names commands it does not know "other", and reports nothing for a call never sent', async () => {
    server.script({ body: { status: 'OK' } });
    await client.call('somefuturecmd', {});
    await expect(client.pushSitesToUsers()).rejects.toBeInstanceOf(LastPassRemovedCommandError);
    expect(seen()).toEqual([['other', 'ok']]);
  });

  it('does not fail a call when the observer throws', async () => {
    observe = () => {
      throw new Error('metrics broke');
    };
    server.script({ body: { status: 'OK' } });
    await expect(client.batchAdd([{ username: 'ann@example.com' }])).resolves.toMatchObject({ complete: true });
    expect(log.text()).toContain('LastPass call observer failed');
  });
});
