import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Server } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { CHILD_PROCESS_TEST_TIMEOUT_MS, minimalEnv, runLpprov } from '../support/lpprov-cli.ts';
import { startLpprovProcess, type StartedLpprovProcess } from '../support/scim-process.ts';
import { waitFor } from '../support/wait-for.ts';

/** An address of this machine that is not loopback, if it has one. */
const outside = Object.values(networkInterfaces())
  .flat()
  .find((a) => a !== undefined && !a.internal && a.family === 'IPv4')?.address;

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A port some other program holds on 127.0.0.1. */
async function takenPort(): Promise<{ server: Server; port: number }> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

/**
 * What `lpprov start` binds and says about its settings (issue 13, points 3, 4 and 7): loopback in
 * simulation mode unless HOST says otherwise, the bound address in the log and the banner, and
 * a warning naming a variable that looks like a setting but is none, with the one it meant.
 */
describe('lpprov start settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lpprov-start-settings-'));
  const started: StartedLpprovProcess[] = [];
  const start = async (env: Record<string, string>): Promise<StartedLpprovProcess> => {
    const lpprov = await startLpprovProcess({ PORT: '0', LASTPASS_SIMULATOR_PORT: '0', DATABASE_URL: join(dir, `${started.length}.db`), ...env });
    started.push(lpprov);
    return lpprov;
  };
  afterAll(async () => {
    for (const lpprov of started) await lpprov.process.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  const startedLine = (lpprov: StartedLpprovProcess) => lpprov.process.logLines().find((l) => l.msg === 'lpprov started');
  /** The start banner: written to stderr just after the 'lpprov started' log line. */
  const banner = async (lpprov: StartedLpprovProcess): Promise<string> => {
    await waitFor(() => lpprov.process.stderr.includes('Health'), { description: 'the start banner' });
    return lpprov.process.stderr;
  };

  it('binds 127.0.0.1 in simulation mode, says so, and is not reachable from another address', async () => {
    const lpprov = await start({});
    const listening = String(startedLine(lpprov)?.listening);
    expect(listening).toMatch(/^127\.0\.0\.1:\d+$/);
    const port = Number(listening.split(':')[1]);
    expect(await accepts('127.0.0.1', port)).toBe(true);
    if (outside !== undefined) expect(await accepts(outside, port)).toBe(false);
    expect(await banner(lpprov)).toMatch(new RegExp(`HTTP +http://127\\.0\\.0\\.1:${port} +\\(listening on 127\\.0\\.0\\.1:${port}; HOST\\)`));
  }, CHILD_PROCESS_TEST_TIMEOUT_MS);

  it('binds every interface with HOST=0.0.0.0, and the banner says so', async () => {
    const lpprov = await start({ HOST: '0.0.0.0' });
    const listening = String(startedLine(lpprov)?.listening);
    expect(listening).toMatch(/^0\.0\.0\.0:\d+$/);
    const port = Number(listening.split(':')[1]);
    if (outside !== undefined) expect(await accepts(outside, port)).toBe(true);
    expect(lpprov.httpUrl).toBe(`http://127.0.0.1:${port}`);
    expect(await banner(lpprov)).toContain(`(listening on 0.0.0.0:${port}: every interface; HOST)`);
  }, CHILD_PROCESS_TEST_TIMEOUT_MS);

  it('warns about a variable that looks like a setting, naming the one it most likely meant', async () => {
    const lpprov = await start({ LASTPAS_CID: '8771312', LPPROV_COLOUR: 'blue' });
    const warnings = lpprov.process.logLines().filter((l) => l.level === 'warn' && typeof l.variable === 'string');
    expect(warnings.map((w) => [w.variable, w.suggestion, w.msg])).toEqual([
      ['LASTPAS_CID', 'LASTPASS_CID', 'LASTPAS_CID is not a setting lpprov knows (did you mean LASTPASS_CID?): it is ignored (docs/configuration.md)'],
      ['LPPROV_COLOUR', undefined, 'LPPROV_COLOUR is not a setting lpprov knows: it is ignored (docs/configuration.md)'],
    ]);
    // The value is never logged: it may be a secret.
    expect(lpprov.process.stdout).not.toContain('8771312');
  }, CHILD_PROCESS_TEST_TIMEOUT_MS);

  it.each([
    ['PORT', (port: number) => ({ PORT: String(port), LASTPASS_SIMULATOR_PORT: '0' })],
    ['LASTPASS_SIMULATOR_PORT', (port: number) => ({ PORT: '0', LASTPASS_SIMULATOR_PORT: String(port) })],
  ] as const)('refuses to start on a %s in use with one line naming it, no stack trace', async (setting, env) => {
    const taken = await takenPort();
    try {
      const result = await runLpprov(['start'], { ...minimalEnv(), DATABASE_URL: join(dir, `taken-${setting}.db`), ...env(taken.port) });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr.trim()).toBe(
        `lpprov: ${setting}: 127.0.0.1:${taken.port} is already in use by another program: stop it, or set ${setting} to a free port (0 picks one)`,
      );
    } finally {
      taken.server.close();
    }
  }, CHILD_PROCESS_TEST_TIMEOUT_MS);

  it('keeps a generated SCIM token only once a listening start has shown it', async () => {
    const taken = await takenPort();
    const database = join(dir, 'token.db');
    try {
      const failed = await runLpprov(['start'], { ...minimalEnv(), DATABASE_URL: database, PORT: String(taken.port), LASTPASS_SIMULATOR_PORT: '0' });
      expect(failed.code, failed.stderr).toBe(1);
      expect(failed.stderr).not.toContain('lpprov_scim_');
    } finally {
      taken.server.close();
    }
    // The next start on the same database makes a token and shows it, instead of keeping one nobody saw.
    const lpprov = await start({ DATABASE_URL: database });
    expect(await banner(lpprov)).toMatch(/SCIM token\s+lpprov_scim_\S+/);
  }, CHILD_PROCESS_TEST_TIMEOUT_MS);

  it('refuses a HOST that is not an address of this machine with one line naming HOST', async () => {
    // 198.51.100.0/24 is TEST-NET-2: never an address of this machine.
    const result = await runLpprov(['start'], { ...minimalEnv(), PORT: '0', LASTPASS_SIMULATOR_PORT: '0', HOST: '198.51.100.7', DATABASE_URL: join(dir, 'host.db') });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr.trim()).toBe('lpprov: HOST: 198.51.100.7 is not an address of this machine (0.0.0.0: every interface)');
  }, CHILD_PROCESS_TEST_TIMEOUT_MS);
});
