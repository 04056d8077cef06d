import { readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config/load-config.ts';
import { startLpprov } from '../../src/main.ts';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.ts';
import { captureLogs } from '../support/log-capture.ts';
import { minimalEnv, runLpprov } from '../support/lpprov-cli.ts';
import { waitFor } from '../support/wait-for.ts';

const CREDENTIALS = { cid: '8771391', provhash: 'generated-token-test-provhash-0001' };

/**
 * Without SCIM_TOKENS, lpprov makes a SCIM token on first start, shows it once and stores only its
 * digest; it survives restarts, `lpprov scim-token rotate` replaces it without a restart, and
 * SCIM_TOKENS, once set, takes over.
 */
describe.each(ENGINES)('generated SCIM token on %s', (engine) => {
  let simulator: RunningSimulator;
  let testDb: TestDatabase;
  const env = (): Record<string, string> => ({
    LASTPASS_URL: simulator.endpoint,
    LASTPASS_CID: CREDENTIALS.cid,
    LASTPASS_PROVHASH: CREDENTIALS.provhash,
    DATABASE_URL: testDb.databaseUrl,
    PORT: '0',
  });
  const status = async (url: string, token: string): Promise<number> => {
    const response = await fetch(`${url}/scim/v2/Users?count=1`, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    return response.status;
  };

  beforeAll(async () => {
    simulator = await startSimulator({ ...CREDENTIALS, port: 0 });
    testDb = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await simulator.stop();
    await testDb.dispose();
  });

  it('is made once, stored as a digest, kept across restarts and replaced by rotate', async () => {
    const logs = captureLogs('debug');
    const first = await startLpprov(loadConfig(env()), { logger: logs.logger });
    const token = first.newScimToken ?? '';
    expect(token).toMatch(/^lpprov_scim_[A-Za-z0-9_-]{43}$/);
    expect(first.scimAuth).toBe('generated');
    expect(await status(first.httpUrl, token)).toBe(200);
    expect(await status(first.httpUrl, `${token}x`)).toBe(401);
    expect(logs.text()).not.toContain(token);
    await first.stop();

    // Only the digest is in the database; the token is nowhere in it.
    const rows = await testDb.db.query<{ sha256_hex: string }>('SELECT sha256_hex FROM generated_scim_token');
    expect(rows).toHaveLength(1);
    if (engine === 'sqlite') expect(readFileSync(testDb.databaseUrl).includes(token)).toBe(false);

    const second = await startLpprov(loadConfig(env()), { logger: captureLogs('warn').logger });
    try {
      expect(second.newScimToken).toBeUndefined();
      expect(await status(second.httpUrl, token)).toBe(200);

      const rotated = await runLpprov(['scim-token', 'rotate'], { ...minimalEnv(), ...env() });
      expect(rotated.code, rotated.stderr).toBe(0);
      const fresh = /new SCIM token \(shown only now\): (\S+)/.exec(rotated.stdout)?.[1] ?? '';
      expect(fresh).toMatch(/^lpprov_scim_/);
      expect(fresh).not.toBe(token);
      // The running lpprov picks the rotation up by itself.
      await waitFor(async () => (await status(second.httpUrl, fresh)) === 200, { description: 'the rotated token to work' });
      expect(await status(second.httpUrl, token)).toBe(401);
    } finally {
      await second.stop();
    }

    const configured = await startLpprov(loadConfig({ ...env(), SCIM_TOKENS: 'configured-scim-token-0000000001' }), {
      logger: captureLogs('warn').logger,
    });
    try {
      expect(configured.scimAuth).toBe('configured');
      expect(configured.newScimToken).toBeUndefined();
      expect(await status(configured.httpUrl, 'configured-scim-token-0000000001')).toBe(200);
    } finally {
      await configured.stop();
    }
  });
});
