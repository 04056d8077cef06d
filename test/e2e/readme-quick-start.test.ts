import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LpprovProcess } from '../support/lpprov-process.ts';
import { waitFor } from '../support/wait-for.ts';

const run = promisify(execFile);
const README = new URL('../../README.md', import.meta.url);

/** A README block in bash, as a reader's terminal would run it. */
function shell(script: string, env: Record<string, string> = {}): Promise<{ stdout: string }> {
  return run('bash', ['-euo', 'pipefail', '-c', script], { env: { ...process.env, ...env } });
}

function lastLine(script: string): string {
  return script.trim().split('\n').at(-1) ?? '';
}

/** The simulator state the README's look printed, or, until `done` holds, what running that look again prints. */
async function lookUntil(printed: string, look: string, done: (state: SimState) => boolean): Promise<SimState> {
  let state = JSON.parse(printed === '' ? '{"users":[]}' : printed) as SimState;
  await waitFor(
    async () => {
      if (done(state)) return true;
      state = JSON.parse((await shell(look)).stdout) as SimState;
      return done(state);
    },
    { description: `the simulator to show it: ${look}` },
  );
  return state;
}

/** The shell blocks of the README's "Provision a first user" section, in order. */
function quickStartBlocks(): string[] {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf('### Provision a first user');
  const section = text.slice(start, text.indexOf('\n## ', start));
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

interface SimState {
  readonly users: readonly { readonly username: string; readonly disabled: boolean }[];
}

/**
 * A newcomer's first five minutes, as the README tells them: `lpprov start` with no configuration
 * (run here from an empty folder, on free ports instead of 8080/8081 so it cannot collide), then
 * the README's own curl commands, with only the ports and the token from the banner filled in.
 */
describe('README quick start', () => {
  let dir: string;
  let lpprov: LpprovProcess;
  let substitute: (script: string) => string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lpprov-readme-'));
    lpprov = new LpprovProcess(['start'], { PORT: '0', LASTPASS_SIMULATOR_PORT: '0' }, { cwd: dir });
    await waitFor(() => lpprov.stderr.includes('Health') || lpprov.child.exitCode !== null, {
      description: 'the start banner',
    });
    const banner = lpprov.stderr;
    const httpUrl = /HTTP\s+(http:\S+)/.exec(banner)?.[1];
    const simulatorEndpoint = /SIMULATION MODE: in-process simulator at (http:\S+)/.exec(banner)?.[1];
    const token = /SCIM token\s+(lpprov_scim_\S+)/.exec(banner)?.[1];
    if (httpUrl === undefined || simulatorEndpoint === undefined || token === undefined) {
      throw new Error(`the banner lacks the HTTP URL, the simulator or the token:\n${banner}\n${lpprov.stdout}`);
    }
    const simulatorUrl = simulatorEndpoint.replace(/\/enterpriseapi\.php$/, '');
    substitute = (script) =>
      script
        .replaceAll('http://127.0.0.1:8080', httpUrl)
        .replaceAll('http://127.0.0.1:8081', simulatorUrl)
        .replaceAll("'lpprov_scim_…'", `'${token}'`);
  });

  afterAll(async () => {
    await lpprov.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts on embedded defaults: SQLite under ./data, simulation mode said loudly, a generated SCIM token', () => {
    expect(existsSync(join(dir, 'data', 'lpprov.db'))).toBe(true);
    expect(lpprov.logLines().some((l) => l.level === 'warn' && String(l.msg).startsWith('SIMULATION MODE'))).toBe(true);
    expect(lpprov.stderr).toContain('SIMULATION MODE: nothing is sent to LastPass');
  });

  it("provisions and deactivates a user in the simulator with the README's curl commands", async () => {
    const blocks = quickStartBlocks();
    expect(blocks).toHaveLength(2);
    const [create = '', deactivate = ''] = blocks.map(substitute);
    const ada = 'ada.lovelace@example.com';

    const { stdout: created } = await shell(create);
    const [scimAnswer, stateAnswer] = created.trim().split(/(?<=\})(?=\{)/);
    expect(JSON.parse(scimAnswer ?? '{}')).toMatchObject({ userName: ada, active: true });
    // The README pauses two seconds before it looks; a loaded machine may need longer, so the
    // test runs the README's own look again until the invitation is there.
    const afterCreate = await lookUntil(stateAnswer ?? '', lastLine(create), (state) => state.users.length > 0);
    expect(afterCreate.users).toEqual([expect.objectContaining({ username: ada, disabled: false })]);

    // The same terminal: the second block uses the token the first one exported.
    const token = /export LPPROV_SCIM_TOKEN='([^']+)'/.exec(create)?.[1] ?? '';
    const { stdout: deactivated } = await shell(deactivate, { LPPROV_SCIM_TOKEN: token });
    const afterDeactivate = await lookUntil(
      deactivated.slice(deactivated.lastIndexOf('{"users"')),
      lastLine(deactivate),
      (state) => state.users.some((user) => user.disabled),
    );
    expect(afterDeactivate.users).toEqual([expect.objectContaining({ username: ada, disabled: true })]);
  });
});
