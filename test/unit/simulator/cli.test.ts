import type { ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

import { CHILD_PROCESS_TEST_TIMEOUT_MS, runnerEnv, spawnNode } from '../../support/lpprov-cli.ts';

const SCRIPT = fileURLToPath(new URL('./support/run-simulator-command.ts', import.meta.url));

type Child = ChildProcessByStdio<null, Readable, Readable>;
const children: Child[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function run(args: string[], env: Record<string, string> = {}): Child {
  const { LPPROV_SIMULATOR_PROVHASH: _ignored, ...inherited } = runnerEnv();
  const child = spawnNode(SCRIPT, ['simulator', ...args], { ...inherited, ...env }) as Child;
  children.push(child);
  return child;
}

async function firstLine(child: Child): Promise<string> {
  let out = '';
  for await (const chunk of child.stdout) {
    out += String(chunk);
    if (out.includes('\n')) break;
  }
  return out.split('\n')[0] ?? '';
}

async function exitOf(child: Child): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

async function authorized(endpoint: string, provhash: string): Promise<boolean> {
  const res = await fetch(endpoint, { method: 'POST', body: JSON.stringify({ cid: 1, provhash, cmd: 'getuserdata' }) });
  return !(await res.text()).includes('Authorization Error');
}

describe('lpprov simulator', { timeout: CHILD_PROCESS_TEST_TIMEOUT_MS }, () => {
  it('prints where it listens (never the hash) and exits 0 on SIGTERM', async () => {
    const child = run(['--port', '0', '--cid', '1', '--provhash', 'cli-secret-hash', '--latency', '1-3', '--fault', 'slow=0']);
    const line = await firstLine(child);
    expect(line).toMatch(/^LastPass Enterprise API simulator listening on http:\/\/127\.0\.0\.1:\d+\/enterpriseapi\.php \(cid 1\)$/);
    expect(line).not.toContain('cli-secret-hash');
    const endpoint = /(http:\S+)/.exec(line)?.[1] ?? '';
    expect(await authorized(endpoint, 'cli-secret-hash')).toBe(true);
    const exited = exitOf(child);
    child.kill('SIGTERM');
    expect((await exited).code).toBe(0);
  });

  it('takes the hash from LPPROV_SIMULATOR_PROVHASH, the flag winning over it', async () => {
    const fromEnv = run(['--port', '0', '--cid', '1'], { LPPROV_SIMULATOR_PROVHASH: 'env-hash' });
    const envEndpoint = /(http:\S+)/.exec(await firstLine(fromEnv))?.[1] ?? '';
    expect(await authorized(envEndpoint, 'env-hash')).toBe(true);
    const both = run(['--port', '0', '--cid', '1', '--provhash', 'flag-hash'], { LPPROV_SIMULATOR_PROVHASH: 'env-hash' });
    const bothEndpoint = /(http:\S+)/.exec(await firstLine(both))?.[1] ?? '';
    expect(await authorized(bothEndpoint, 'flag-hash')).toBe(true);
    expect(await authorized(bothEndpoint, 'env-hash')).toBe(false);
    const exited = exitOf(fromEnv);
    fromEnv.kill('SIGINT');
    expect((await exited).code).toBe(0);
  });

  it('refuses to start without a provisioning hash, or with bad control values', async () => {
    const noHash = await exitOf(run(['--port', '0']));
    expect(noHash.code).toBe(1);
    expect(noHash.stderr).toContain('no provisioning hash: pass --provhash <hash> or set LPPROV_SIMULATOR_PROVHASH');
    const badFault = await exitOf(run(['--port', '0', '--provhash', 'h', '--fault', 'drop=1.5']));
    expect(badFault.code).toBe(1);
    expect(badFault.stderr).toContain('probabilities.drop must be a number from 0 to 1');
    const badKind = await exitOf(run(['--port', '0', '--provhash', 'h', '--fault', 'meteor=0.1']));
    expect(badKind.code).toBe(1);
    expect(badKind.stderr).toContain('kind one of http500');
  });

  it('applies control flags: batch maxima, auth-broken and behaviour', async () => {
    const child = run(['--port', '0', '--cid', '1', '--provhash', 'h', '--max-batch', 'batchadd=1', '--batchadd-existing', 'error', '--auth-broken']);
    const base = (/(http:\S+)\/enterpriseapi\.php/.exec(await firstLine(child))?.[1]) ?? '';
    const faults = (await (await fetch(`${base}/_simulator/faults`)).json()) as { authBroken: boolean; batchMax: Record<string, unknown> };
    expect(faults.authBroken).toBe(true);
    expect(faults.batchMax).toEqual({ batchadd: 1, batchchangegrp: null, disableuser: null, enableuser: null });
    const behaviour = (await (await fetch(`${base}/_simulator/behaviour`)).json()) as { batchaddExisting: string; autoCreateGroups: boolean };
    expect(behaviour).toMatchObject({ batchaddExisting: 'error', autoCreateGroups: true });
  });
});
