import { once } from 'node:events';

import { describe, expect, it } from 'vitest';

import { eventually, Output, runCli, startSim, tableRows, type Sim } from './support/lastpass-cli.ts';
import { CHILD_PROCESS_TEST_TIMEOUT_MS } from '../../support/lpprov-cli.ts';

interface JsonEvent {
  time: string;
  username: string;
  ipAddress: string;
  action: string;
  data: string | null;
}

async function seedEvents(h: Sim): Promise<void> {
  await h.control('/events', {
    events: [
      { username: 'alice@x.io', action: 'Login', time: '2024-01-15T14:00:00Z', ipAddress: '10.0.0.1' },
      { username: 'bob@x.io', action: 'Failed Login Attempt', data: 'wrong password', time: '2024-01-15 10:30:00' },
      { username: 'alice@x.io', action: 'Add to Group', data: 'Finance', time: '2024-01-16 08:00:00', admin: true },
      { username: 'carol@x.io', action: 'Login', time: '2024-02-01 12:00:00' },
    ],
  });
}

const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

describe('lpprov lastpass events', { concurrent: true, timeout: CHILD_PROCESS_TEST_TIMEOUT_MS }, () => {
  it('prints the events of a window oldest first, with times in US/Eastern', async (ctx) => {
    const h = await startSim(ctx);
    await seedEvents(h);
    const { code, stdout, stderr } = await runCli(['events', '--from', '2024-01-15', '--to', '2024-01-31 23:59:59'], h.env);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(tableRows(stdout)).toEqual([
      ['2024-01-15 09:00:00', 'alice@x.io', '10.0.0.1', 'Login', ''],
      ['2024-01-15 10:30:00', 'bob@x.io', '127.0.0.1', 'Failed Login Attempt', 'wrong password'],
      ['2024-01-16 08:00:00', 'alice@x.io', '127.0.0.1', 'Add to Group', 'Finance'],
    ]);
    expect(stdout).toContain('3 events');
  });

  it('takes ISO 8601 times with a zone and sends LastPass US/Eastern wall-clock times', async (ctx) => {
    const h = await startSim(ctx);
    await seedEvents(h);
    // 14:00Z to 17:30+02:00 (15:30Z) on 15 January is 09:00-10:30 EST; both edges are inside.
    const { code, stdout } = await runCli(
      ['events', '--from', '2024-01-15T14:00:00Z', '--to', '2024-01-15T17:30:00+02:00', '--json'],
      h.env,
    );
    expect(code).toBe(0);
    const events = JSON.parse(stdout) as JsonEvent[];
    expect(events.map((e) => e.time)).toEqual(['2024-01-15 09:00:00', '2024-01-15 10:30:00']);
    const sent = await h.control<{ calls: { data: { from: string; to: string } }[] }>('/calls?cmd=reporting');
    expect(sent.calls[0]?.data).toMatchObject({ from: '2024-01-15 09:00:00', to: '2024-01-15 10:30:00' });
  });

  it('filters with --search, --user and --admin', async (ctx) => {
    const h = await startSim(ctx);
    await seedEvents(h);
    const run = async (...extra: string[]): Promise<JsonEvent[]> => {
      const result = await runCli(['events', '--from', '2024-01-01', '--to', '2024-12-31', '--json', ...extra], h.env);
      expect(result.code).toBe(0);
      return JSON.parse(result.stdout) as JsonEvent[];
    };
    const [search, user, admin] = await Promise.all([run('--search', 'login'), run('--user', 'alice@x.io'), run('--admin')]);
    expect(search.map((e) => [e.username, e.action])).toEqual([
      ['alice@x.io', 'Login'],
      ['bob@x.io', 'Failed Login Attempt'],
      ['carol@x.io', 'Login'],
    ]);
    expect(user.map((e) => e.action)).toEqual(['Login', 'Add to Group']);
    expect(admin.map((e) => e.action)).toEqual(['Add to Group']);
  });

  it('refuses times it cannot read, and a window that ends before it starts (exit 1)', async (ctx) => {
    const h = await startSim(ctx);
    const [noZone, backwards, interval] = await Promise.all([
      runCli(['events', '--from', '2024-01-15T10:00:00'], h.env),
      runCli(['events', '--from', '2024-02-01', '--to', '2024-01-01'], h.env),
      runCli(['events', '--from', 'now', '--follow', '--interval', '0'], h.env),
    ]);
    expect(noZone.code).toBe(1);
    expect(noZone.stderr).toContain('has no zone');
    expect(backwards.code).toBe(1);
    expect(backwards.stderr).toContain('--from (2024-02-01 00:00:00) is after --to (2024-01-01 00:00:00)');
    expect(interval.code).toBe(1);
    expect(interval.stderr).toContain('expected a number of seconds above 0');
    expect(await h.calls()).toBe(0);
  });
});

describe('lpprov lastpass events --follow', { concurrent: true, timeout: CHILD_PROCESS_TEST_TIMEOUT_MS }, () => {
  it('prints the window, then each new event once, one JSON object per line, and exits 0 on SIGTERM', async (ctx) => {
    const h = await startSim(ctx);
    await h.control('/events', { events: [{ username: 'first@x.io', action: 'Login' }] });
    const child = h.spawn(['events', '--from', '2000-01-01', '--follow', '--interval', '0.2', '--json']);
    const out = new Output(child);
    await out.until((o) => o.stdout.includes('first@x.io'));
    await h.control('/events', { events: [{ username: 'second@x.io', action: 'Failed Login Attempt', data: 'x' }] });
    await out.until((o) => o.stdout.includes('second@x.io'));
    // Two more polls, each of which sees both events again.
    const seen = await h.calls('reporting');
    await eventually(async () => (await h.calls('reporting')) >= seen + 2, 'two more polls');
    const exited = once(child, 'close');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    const printed = lines(out.stdout).map((line) => JSON.parse(line) as JsonEvent);
    expect(printed.map((e) => [e.username, e.action])).toEqual([
      ['first@x.io', 'Login'],
      ['second@x.io', 'Failed Login Attempt'],
    ]);
    expect(out.stderr).toBe('');
  });

  it('keeps following through a transient failure (a warning on stderr), as a table, and stops on SIGINT', async (ctx) => {
    const h = await startSim(ctx);
    await h.control('/events', { events: [{ username: 'first@x.io', action: 'Login' }] });
    const child = h.spawn(['events', '--from', '2000-01-01', '--follow', '--interval', '0.2']);
    const out = new Output(child);
    await out.until((o) => o.stdout.includes('first@x.io'));
    expect(out.stdout.split('\n')[0]).toMatch(/^TIME \(US\/EASTERN\) +USER +IP ADDRESS +ACTION +DATA$/);
    // Every attempt of one poll (the first try and three retries) fails.
    await h.control('/faults', { nextFaults: [{ kind: 'http503', count: 4, cmd: 'reporting' }] });
    await out.until((o) => o.stderr.includes('HTTP 503'));
    expect(out.stderr).toMatch(/^lpprov: LastPass reporting: HTTP 503; polling again in 0\.2 s$/m);
    await h.control('/events', { events: [{ username: 'second@x.io', action: 'Login' }] });
    await out.until((o) => o.stdout.includes('second@x.io'));
    const exited = once(child, 'close');
    child.kill('SIGINT');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    const rows = lines(out.stdout).slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} +first@x\.io +127\.0\.0\.1 +Login$/);
    expect(rows[1]).toMatch(/ +second@x\.io +127\.0\.0\.1 +Login$/);
  });

  it('ends with the exit code of a permanent failure while following', async (ctx) => {
    const h = await startSim(ctx);
    const child = h.spawn(['events', '--from', 'now', '--follow', '--interval', '0.2']);
    const out = new Output(child);
    await out.until((o) => o.stdout.includes('TIME'));
    await h.control('/faults', { authBroken: true });
    const [code] = (await once(child, 'close')) as [number | null];
    expect(code).toBe(3);
    expect(out.stderr).toContain('LastPass refused the account number or provisioning hash');
  });
});
