import { describe, expect, it } from 'vitest';

import { runCli, startSim } from './support/lastpass-cli.ts';
import { CHILD_PROCESS_TEST_TIMEOUT_MS } from '../../support/lpprov-cli.ts';

describe('lpprov lastpass call', { concurrent: true, timeout: CHILD_PROCESS_TEST_TIMEOUT_MS }, () => {
  it('sends a command with --data and prints the parsed answer as JSON', async (ctx) => {
    const h = await startSim(ctx);
    await h.control('/users', { users: [{ username: 'alice@x.io', fullname: 'Alice' }, { username: 'bob@x.io' }] });
    const { code, stdout, stderr } = await runCli(['call', 'getuserdata', '--data', '{"username":"alice@x.io"}'], h.env);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const body = JSON.parse(stdout) as { total: number; Users: Record<string, { username: string; fullname: string }> };
    expect(body.total).toBe(1);
    expect(Object.values(body.Users).map((u) => [u.username, u.fullname])).toEqual([['alice@x.io', 'Alice']]);
  });

  it('sends a command without --data', async (ctx) => {
    const h = await startSim(ctx);
    const folders = await runCli(['call', 'getsfdata'], h.env);
    expect(folders.code).toBe(0);
    expect(JSON.parse(folders.stdout)).toEqual([]);
  });

  it('exits 2 when LastPass refuses the command (unknown or removed)', async (ctx) => {
    const h = await startSim(ctx);
    const unknown = await runCli(['call', 'listeverything'], h.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe('lpprov: LastPass listeverything: status FAIL: unknown command: listeverything\n');
    const removed = await runCli(['call', 'pushsitestousers'], h.env);
    expect(removed.code).toBe(2);
    expect(removed.stderr).toContain('LastPass removed pushsitestousers');
  });

  it('prints the answer and a warning when LastPass did only part of it (WARN), exit 0', async (ctx) => {
    const h = await startSim(ctx);
    await h.control('/users', { users: [{ username: 'alice@x.io' }] });
    const data = JSON.stringify([
      { username: 'alice@x.io', add: ['Finance'] },
      { username: 'ghost@x.io', add: ['Finance'] },
    ]);
    const result = await runCli(['call', 'batchchangegrp', '--data', data], h.env);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'WARN' });
    expect(result.stderr).toContain('LastPass batchchangegrp answered WARN: ghost@x.io does not exist');
    expect(result.code).toBe(0);
  });

  it('refuses --data that is not JSON (exit 1) without echoing it, and sends nothing', async (ctx) => {
    const h = await startSim(ctx);
    const result = await runCli(['call', 'batchadd', '--data', '[{"username":"a@x.io","password":"Hunter2-secret"'], h.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^lpprov: --data is not valid JSON/);
    expect(result.stderr).not.toContain('Hunter2');
    expect(await h.calls()).toBe(0);
  });
});
