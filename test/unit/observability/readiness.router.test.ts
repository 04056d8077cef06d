import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';

import { type ReadinessChecks, readinessRouter } from '../../../src/observability/readiness.router.ts';
import { captureLogs } from '../../support/log-capture.ts';

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function readyz(checks: Omit<ReadinessChecks, 'logger'>): Promise<{ status: number; body: unknown; logs: string }> {
  const logs = captureLogs('warn');
  const app = express();
  app.use(readinessRouter({ ...checks, logger: logs.logger }));
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: response.status, body: await response.json(), logs: logs.text() };
}

const ok = (): Promise<void> => Promise.resolve();
const configured = (): Promise<'configured'> => Promise.resolve('configured');

describe('/readyz', () => {
  it('is 200 when the database answers and the consumer is in its group', async () => {
    const answer = await readyz({ database: ok, kafka: () => ({ ready: true, state: 'joined' }), lastpass: configured });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      status: 'ready',
      checks: { database: { status: 'ok' }, kafka: { status: 'ok', state: 'joined' }, lastpass: { status: 'configured' } },
    });
  });

  it('reports Kafka as not configured when there is no consumer', async () => {
    const answer = await readyz({ database: ok, lastpass: () => Promise.resolve('simulated') });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ checks: { kafka: { status: 'not_configured' }, lastpass: { status: 'simulated' } } });
  });

  it('is 503 when the database fails, without putting the error text in the answer', async () => {
    const answer = await readyz({
      database: () => Promise.reject(new Error('password authentication failed for user "lpprov-secret-user"')),
      lastpass: configured,
    });
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ status: 'not_ready', checks: { database: { status: 'failed', reason: 'the query failed' } } });
    expect(JSON.stringify(answer.body)).not.toContain('lpprov-secret-user');
    expect(answer.logs).toContain('readiness: the database does not answer');
  });

  it('is 503 when the database does not answer in time', async () => {
    const answer = await readyz({ database: () => new Promise(() => undefined), lastpass: configured, timeoutMs: 50 });
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ checks: { database: { status: 'failed', reason: 'no answer within 50 ms' } } });
  });

  it('is 503 when the Kafka consumer is not in its group', async () => {
    const answer = await readyz({ database: ok, kafka: () => ({ ready: false, state: 'rejoining' }), lastpass: configured });
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ status: 'not_ready', checks: { kafka: { status: 'failed', state: 'rejoining' } } });
  });

  it('stays 200 when LastPass refuses the credentials: input is still taken and queued', async () => {
    const answer = await readyz({ database: ok, lastpass: () => Promise.resolve('refused') });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'ready', checks: { lastpass: { status: 'refused' } } });
  });

  it('reports the LastPass state as unknown when it cannot be read', async () => {
    const answer = await readyz({ database: ok, lastpass: () => Promise.reject(new Error('no table')) });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ checks: { lastpass: { status: 'unknown' } } });
  });
});
