import { inspect } from 'node:util';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { Secret } from '../../../src/core/secret.ts';
import { LastPassGatewayAdapter } from '../../../src/lastpass/lastpass-gateway.ts';
import type { LastPassClient } from '../../../src/lastpass/lastpass.client.ts';
import { AUTH_ERROR_XML } from './support/reference-answers.ts';
import { startScriptedServer, type Responder, type ScriptedServer } from './support/scripted-server.ts';
import { TEST_PROVHASH, testClient, type CapturedLog } from './support/test-client.ts';

const PASSWORD = 'Default-Pw-7f3a9c';

let server: ScriptedServer;
let client: LastPassClient;
let log: CapturedLog;

beforeEach(async () => {
  server = await startScriptedServer();
  ({ client, log } = testClient(server.url, { retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2 } }));
});

afterEach(async () => {
  await client.close();
  await server.close();
});

/** Every rendering of a thrown value a log, a console or a test report could produce. */
function renderings(value: unknown): string[] {
  const error = value as { cause?: unknown; stack?: unknown };
  return [
    String(value),
    JSON.stringify(value) ?? '',
    inspect(value, { depth: Infinity, showHidden: true }),
    String(error.stack),
    inspect(error.cause, { depth: Infinity, showHidden: true }),
    JSON.stringify(error.cause) ?? '',
    JSON.stringify(Object.getOwnPropertyDescriptors(value)),
  ];
}

/** Failing answers; the nastiest echo the whole request body back at the client. */
const FAILING_ANSWERS: [string, Responder][] = [
  ['XML auth error', () => ({ body: AUTH_ERROR_XML })],
  ['FAIL echoing the request', (request) => ({ body: { status: 'FAIL', errors: [`bad request ${request.bodyText}`] } })],
  [
    'WARN echoing the request',
    (request) => ({ body: { status: 'WARN', errors: [`new@x.com: ${request.bodyText}`], error: request.bodyText } }),
  ],
  ['503 echoing the request', (request) => ({ status: 503, body: `<html>${request.bodyText}</html>` })],
  ['429 with Retry-After', () => ({ status: 429, headers: { 'retry-after': '60' }, body: '' })],
  ['dropped connection', () => ({ drop: true })],
  ['garbage echoing the request', (request) => ({ body: `oops ${request.bodyText}` })],
  ['HTTP 400 echoing the request', (request) => ({ status: 400, body: request.bodyText })],
];

describe('no secret in logs, errors or outcomes', () => {
  it.each(FAILING_ANSWERS)('%s', async (_name, responder) => {
    server.respond(responder);
    const thrown: unknown[] = [];
    const keep = (error: unknown): void => {
      thrown.push(error);
    };
    await client
      .batchAdd([{ username: 'new@x.com', password: new Secret(PASSWORD), passwordResetRequired: true }])
      .catch(keep);
    await client.getUserData().catch(keep);
    await client.deleteUser('new@x.com', 'delete').catch(keep);
    const outcomes = await new LastPassGatewayAdapter(client).execute([
      { kind: 'add_user', username: 'new@x.com', groups: ['Eng'] },
    ]);

    // The secrets did go out on the wire, so their absence below means something.
    expect(server.requests[0]?.bodyText).toContain(TEST_PROVHASH);
    expect(server.requests[0]?.bodyText).toContain(PASSWORD);
    expect(thrown.length).toBeGreaterThanOrEqual(2);

    const everything = [...thrown.flatMap(renderings), JSON.stringify(outcomes), inspect(outcomes), log.text()].join('\n');
    expect(everything).not.toContain(TEST_PROVHASH);
    expect(everything).not.toContain(PASSWORD);
  });

  it('a successful batchadd with a password logs no secret and returns none', async () => {
    server.script({ body: { status: 'OK' } });
    const result = await client.batchAdd([{ username: 'new@x.com', password: new Secret(PASSWORD) }]);
    const text = [JSON.stringify(result), inspect(result, { depth: Infinity }), log.text()].join('\n');
    expect(log.lines()).toHaveLength(1);
    expect(text).not.toContain(TEST_PROVHASH);
    expect(text).not.toContain(PASSWORD);
  });

  it('errors carry no request body or headers', async () => {
    server.script({ body: { status: 'FAIL' } });
    const error: unknown = await client.updateUser({ username: 'a@x.com', fullname: 'A' }).catch((e: unknown) => e);
    expect(Object.keys(error as object).sort()).toEqual(['cmd', 'errors', 'httpStatus', 'name', 'retryable', 'status']);
  });
});
