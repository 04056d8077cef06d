import { describe, expect, it } from 'vitest';

import { PROVHASH, runCli, startSim } from './support/lastpass-cli.ts';
import { CHILD_PROCESS_TEST_TIMEOUT_MS } from '../../support/lpprov-cli.ts';

describe('lpprov lastpass: configuration and failures', { concurrent: true, timeout: CHILD_PROCESS_TEST_TIMEOUT_MS }, () => {
  it('exits 3 on a wrong provisioning hash and prints neither hash, even with --verbose', async (ctx) => {
    const h = await startSim(ctx);
    const wrong = 'wrong-provhash-0b7c44e2d1';
    const [plain, verbose] = await Promise.all([
      runCli(['users'], { ...h.env, LASTPASS_PROVHASH: wrong }),
      runCli(['events', '--from', '2024-01-01', '--verbose'], { ...h.env, LASTPASS_PROVHASH: wrong }),
    ]);
    for (const result of [plain, verbose]) {
      expect(result.code).toBe(3);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('LastPass refused the account number or provisioning hash');
      expect(result.stderr).toContain('LASTPASS_PROVHASH');
      expect(result.stdout + result.stderr).not.toContain(wrong);
      expect(result.stdout + result.stderr).not.toContain(PROVHASH);
    }
    expect(plain.stderr.trim().split('\n')).toHaveLength(1);
    // --verbose adds the error's details and one debug line per call.
    expect(verbose.stderr).toContain('error: LastPassAuthError');
    expect(verbose.stderr).toContain('"cmd":"reporting"');
  });

  it('exits 1 and names the variables to set when LASTPASS_CID and LASTPASS_PROVHASH are missing', async () => {
    const [missing, half] = await Promise.all([
      runCli(['users'], {}),
      runCli(['groups'], { LASTPASS_CID: '8771312' }),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('LASTPASS_CID and LASTPASS_PROVHASH are not set');
    expect(missing.stderr).toContain('LASTPASS_URL');
    expect(missing.stderr).toContain('simulation mode does not apply');
    expect(half.code).toBe(1);
    expect(half.stderr).toContain('LASTPASS_PROVHASH: LASTPASS_CID and LASTPASS_PROVHASH must be set together');
  });

  it('exits 4 when LastPass keeps failing transiently, saying that trying later may help', async (ctx) => {
    const h = await startSim(ctx);
    await h.control('/faults', { probabilities: { http503: 1 } });
    const result = await runCli(['shared-folders'], h.env);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'lpprov: LastPass getsfdata: HTTP 503 (still failing after retries; this is usually temporary, try again later)\n',
    );
    // The first attempt and three retries.
    expect(await h.calls('getsfdata')).toBe(4);
  });

  it('exits 4 when LastPass cannot be reached at all', async (ctx) => {
    const h = await startSim(ctx);
    await h.sim.stop();
    const result = await runCli(['groups'], h.env);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('ECONNREFUSED');
  });

  it('rides out a brief failure with its retries', async (ctx) => {
    const h = await startSim(ctx);
    await h.control('/users', { users: [{ username: 'alice@x.io' }] });
    await h.control('/faults', { nextFaults: [{ kind: 'http503', count: 2 }] });
    const result = await runCli(['users', '--json'], h.env);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { username: string }[]).map((u) => u.username)).toEqual(['alice@x.io']);
  });

  it('shows the exit codes in --help', async () => {
    const result = await runCli(['events', '--help'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Exit codes:');
    expect(result.stdout).toMatch(/^ {2}4 {2}LastPass unreachable/m);
    expect(result.stdout).toContain('--follow');
  });
});
