import { once } from 'node:events';
import type { Server } from 'node:http';

import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ScimDeps } from '../../../src/app/scim/scim-deps.ts';
import { ScimChangeError } from '../../../src/app/scim/scim-errors.ts';
import { parsePolicy } from '../../../src/config/policy-file.ts';
import type { UnitOfWork } from '../../../src/core/ports.ts';
import { Secret } from '../../../src/core/secret.ts';
import { scimRouter } from '../../../src/scim/scim.router.ts';
import { captureLogs } from '../../support/log-capture.ts';

const TOKEN = 'router-unit-token-000000000001';

/**
 * The router's error handling, with a unit of work that fails on purpose: an internal error is a
 * 500 SCIM error (never a 404, never HTML), logged once with its cause; app refusals keep their
 * meaning; a concurrent duplicate caught by the database is a 409 uniqueness.
 */
describe('scimRouter error answers', () => {
  let server: Server;
  let url: string;
  let failure: unknown;
  const logs = captureLogs('debug');

  beforeAll(async () => {
    const fail = () => Promise.reject(failure instanceof Error ? failure : new Error('unset'));
    const unitOfWork: UnitOfWork = { run: fail, read: fail };
    const deps: ScimDeps = { unitOfWork, clock: { now: () => 0 }, policy: parsePolicy({}), newId: () => 'id-1' };
    const app = express();
    app.use('/scim/v2', scimRouter({ deps, tokens: [new Secret(TOKEN)], basic: [new Secret('okta:router-basic-password-1')], logger: logs.logger }));
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/scim/v2`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const get = async (path: string, authorization: string | null = `Bearer ${TOKEN}`) => {
    const response = await fetch(`${url}${path}`, { headers: authorization === null ? {} : { authorization } });
    return { status: response.status, type: response.headers.get('content-type'), headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  };

  it('answers an internal error with 500 and a generic detail, logged once with its cause', async () => {
    failure = new Error('database connection lost: secret-internal-detail');
    const answer = await get('/Users/some-id');
    expect(answer.status).toBe(500);
    expect(answer.type).toMatch(/^application\/scim\+json/);
    expect(answer.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '500',
      detail: 'internal error: the request was not carried out; the server log has the cause',
    });
    const errors = logs.lines().filter((line) => line.msg === 'SCIM request failed');
    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors[0])).toContain('secret-internal-detail');
  });

  it('keeps the meaning of the app\'s refusals and of a uniqueness violation', async () => {
    failure = new ScimChangeError('not_found', 'User x not found');
    expect((await get('/Users/x')).body).toMatchObject({ status: '404', detail: 'User x not found' });
    failure = new ScimChangeError('conflict', 'try again');
    expect((await get('/Users/x')).status).toBe(409);
    failure = Object.assign(new Error('a user with userName "a" already exists'), { code: 'SCIM_UNIQUENESS' });
    expect((await get('/Users/x')).body).toMatchObject({ status: '409', scimType: 'uniqueness' });
  });

  it('answers a busy or unreachable database with 503 and Retry-After', async () => {
    for (const cause of [Object.assign(new Error('database is locked'), { code: 'ERR_SQLITE_ERROR', errcode: 5 }), Object.assign(new Error('terminating connection'), { code: '57P01' }), Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })]) {
      failure = cause;
      const answer = await get('/Groups');
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(answer.body).toMatchObject({ status: '503' });
    }
  });

  it('offers Basic when configured, in the challenge and in ServiceProviderConfig', async () => {
    const refused = await get('/Users', null);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="lpprov SCIM", Basic realm="lpprov SCIM", charset="UTF-8"');
    const basic = `Basic ${Buffer.from('okta:router-basic-password-1').toString('base64')}`;
    const config = await get('/ServiceProviderConfig', basic);
    expect(config.status).toBe(200);
    expect((config.body.authenticationSchemes as { type: string }[]).map((s) => s.type)).toEqual(['oauthbearertoken', 'httpbasic']);
    expect(logs.text()).not.toContain('router-basic-password-1');
    expect(logs.text()).not.toContain(TOKEN);
  });
});
