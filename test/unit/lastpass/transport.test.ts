import { createServer } from 'node:net';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  LastPassAuthError,
  LastPassError,
  LastPassRejectedError,
  LastPassTransientError,
} from '../../../src/lastpass/errors.ts';
import type { LastPassClient } from '../../../src/lastpass/lastpass.client.ts';
import { AUTH_ERROR_XML, EDGE_HTML_403, GETUSERDATA_RECORDED } from './support/reference-answers.ts';
import { startScriptedServer, type ScriptedServer } from './support/scripted-server.ts';
import { TEST_PROVHASH, testClient } from './support/test-client.ts';

let server: ScriptedServer;
let client: LastPassClient;

beforeEach(async () => {
  server = await startScriptedServer();
  // No in-request retries here: these tests look at one exchange at a time.
  client = testClient(server.url, { retry: { retries: 0 } }).client;
});

afterEach(async () => {
  await client.close();
  await server.close();
});

async function failure(promise: Promise<unknown>): Promise<LastPassError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LastPassError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('transport: the request', () => {
  it('POSTs JSON to the configured path with cid as a number and the provhash revealed', async () => {
    server.script({ body: GETUSERDATA_RECORDED });
    await client.getUserData({ username: 'ann@example.com' });
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/enterpriseapi.php');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toEqual({
      cid: 8771312,
      provhash: TEST_PROVHASH,
      cmd: 'getuserdata',
      data: { username: 'ann@example.com' },
    });
  });

  it('keeps the connection alive between calls', async () => {
    const single = testClient(server.url, { connections: 1 }).client;
    try {
      await single.reinviteUser('a@example.com');
      await single.reinviteUser('b@example.com');
      expect(server.requests).toHaveLength(2);
      expect(server.requests[1]?.remotePort).toBe(server.requests[0]?.remotePort);
    } finally {
      await single.close();
    }
  });
});

describe('transport faults', () => {
  it('headers that do not come in time are a transient timeout', async () => {
    // undici's parser timers are coarse (about a second), so the delay is well beyond it.
    server.script({ delayMs: 2500, body: { status: 'OK' } });
    const error = await failure(client.updateUser({ username: 'a@example.com', fullname: 'A' }));
    expect(error).toBeInstanceOf(LastPassTransientError);
    expect(error.message).toContain('UND_ERR_HEADERS_TIMEOUT');
    expect(error).toMatchObject({ retryable: true, mayHaveApplied: true, cmd: 'updateuser' });
  });

  it('a body that stalls is a transient timeout', async () => {
    server.script({ stallBody: true, body: GETUSERDATA_RECORDED });
    const error = await failure(client.getUserData());
    expect(error).toBeInstanceOf(LastPassTransientError);
    expect(error.message).toContain('UND_ERR_BODY_TIMEOUT');
  });

  it('a dropped connection is transient and may have applied', async () => {
    server.script({ drop: true });
    const error = await failure(client.disableUsers(['a@example.com']));
    expect(error).toBeInstanceOf(LastPassTransientError);
    expect(error).toMatchObject({ mayHaveApplied: true, httpStatus: undefined });
    expect(error.message).toMatch(/UND_ERR_SOCKET|ECONNRESET/);
  });

  it('a refused connection is transient and was not applied', async () => {
    const port = await freePort();
    const refused = testClient(`http://127.0.0.1:${port}/enterpriseapi.php`, { retry: { retries: 0 } }).client;
    try {
      const error = await failure(refused.deleteUser('a@example.com', 'delete'));
      expect(error).toBeInstanceOf(LastPassTransientError);
      expect(error).toMatchObject({ mayHaveApplied: false });
      expect(error.message).toContain('ECONNREFUSED');
    } finally {
      await refused.close();
    }
  });

  it('429 with Retry-After in seconds carries it', async () => {
    server.script({ status: 429, headers: { 'retry-after': '30' }, body: 'Too Many Requests' });
    const error = await failure(client.getDetailedSharedFolders());
    expect(error).toBeInstanceOf(LastPassTransientError);
    expect(error).toMatchObject({ httpStatus: 429, retryAfterMs: 30_000, mayHaveApplied: false });
    expect(error.message).toBe('LastPass getdetailedsfdata: HTTP 429 (retry after 30000 ms)');
  });

  it('429 with Retry-After as an HTTP date carries the time left', async () => {
    const now = Date.parse('2025-03-01T12:00:00Z');
    const dated = testClient(server.url, { retry: { retries: 0 }, now: () => now }).client;
    try {
      server.script({ status: 429, headers: { 'retry-after': 'Sat, 01 Mar 2025 12:01:30 GMT' }, body: '' });
      const error = await failure(dated.getSharedFolders());
      expect(error).toMatchObject({ httpStatus: 429, retryAfterMs: 90_000 });
    } finally {
      await dated.close();
    }
  });

  it('503 is transient, with Retry-After when given', async () => {
    server.script({ status: 503, headers: { 'retry-after': '5' }, body: '<html>maintenance</html>' });
    const error = await failure(client.enableUsers(['a@example.com']));
    expect(error).toBeInstanceOf(LastPassTransientError);
    expect(error).toMatchObject({ httpStatus: 503, retryAfterMs: 5000 });
  });

  it('an HTML 403 from the edge is transient', async () => {
    server.script({ status: 403, headers: { 'content-type': 'text/html' }, body: EDGE_HTML_403 });
    const error = await failure(client.getUserData());
    expect(error).toBeInstanceOf(LastPassTransientError);
    expect(error).toMatchObject({ httpStatus: 403, mayHaveApplied: false });
  });

  it('the XML Authorization Error is an authentication error', async () => {
    server.script({ body: AUTH_ERROR_XML });
    const error = await failure(client.getUserData());
    expect(error).toBeInstanceOf(LastPassAuthError);
    expect(error).toMatchObject({ retryable: false, cmd: 'getuserdata' });
    expect(error.message).toBe('LastPass getuserdata: LastPass refused the account number or provisioning hash');
  });

  it('non-JSON garbage with 200 is transient', async () => {
    server.script({ body: 'Fatal error: Allowed memory size exhausted' });
    const error = await failure(client.getUserData());
    expect(error).toBeInstanceOf(LastPassTransientError);
    expect(error.message).toContain('answer is not JSON');
  });

  it('FAIL is a permanent rejection', async () => {
    server.script({ body: { status: 'FAIL', errors: ['invalid deleteaction'] } });
    const error = await failure(client.deleteUser('a@example.com', 2));
    expect(error).toBeInstanceOf(LastPassRejectedError);
    expect(error).toMatchObject({ retryable: false, status: 'FAIL', errors: ['invalid deleteaction'] });
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
