import { GROUPS } from './people-mix.ts';
import type { ModeResult } from './run-mode.ts';
import type { SimCall } from './simulator-control.ts';

export interface CommandCalls {
  /** Calls that reached the command (answered, whatever the answer). */
  calls: number;
  /** Users carried by the calls LastPass accepted. */
  acceptedEntries: number;
}

export interface CallSummary {
  readonly total: number;
  /** By LastPass command, throttled calls excluded. */
  readonly byCommand: ReadonlyMap<string, CommandCalls>;
  /** HTTP 429 answers of the simulator's rate limit. */
  readonly rateLimited: number;
  /** Outcomes other than ok and rate-limited (refusals, faults, unanswered), by outcome. */
  readonly unexpected: ReadonlyMap<string, number>;
}

export function summariseCalls(calls: readonly SimCall[]): CallSummary {
  const byCommand = new Map<string, CommandCalls>();
  const unexpected = new Map<string, number>();
  let rateLimited = 0;
  for (const call of calls) {
    if (call.outcome === 'rate-limited') {
      rateLimited += 1;
      continue;
    }
    if (call.outcome !== 'ok') unexpected.set(call.outcome, (unexpected.get(call.outcome) ?? 0) + 1);
    const cmd = call.cmd ?? '(none)';
    const entry = byCommand.get(cmd) ?? { calls: 0, acceptedEntries: 0 };
    entry.calls += 1;
    if (call.outcome === 'ok') entry.acceptedEntries += Array.isArray(call.data) ? call.data.length : 1;
    byCommand.set(cmd, entry);
  }
  return { total: calls.length, byCommand, rateLimited, unexpected };
}

/** Everything that must hold after a run; empty when the run is correct. */
export function problemsOf(result: ModeResult): string[] {
  const problems: string[] = [];
  const { mix, people, statuses } = result;
  const total = people.length;

  const notDone = Object.entries(statuses).filter(([status, n]) => status !== 'done' && n > 0);
  if (statuses.done !== total || notDone.length > 0) {
    problems.push(`outbox: ${statuses.done} of ${total} commands done; ${notDone.map(([s, n]) => `${n} ${s}`).join(', ') || 'rows missing'}`);
  }

  const first = result.calls[0];
  if (first !== undefined && first.seq !== 1) problems.push(`the simulator's call log dropped ${first.seq - 1} calls: raise callLogLimit`);
  const summary = summariseCalls(result.calls);
  for (const [outcome, n] of summary.unexpected) problems.push(`${n} API calls ended ${outcome}`);
  const expectEntries = (cmd: string, want: number): void => {
    const got = summary.byCommand.get(cmd)?.acceptedEntries ?? 0;
    if (got !== want) problems.push(`${cmd}: LastPass accepted ${got} users, expected each of the ${want} exactly once`);
  };
  expectEntries('batchadd', mix.joiners);
  expectEntries('batchchangegrp', mix.movers);
  expectEntries('disableuser', mix.leavers);
  const others = [...summary.byCommand.keys()].filter((cmd) => !['batchadd', 'batchchangegrp', 'disableuser'].includes(cmd));
  if (others.length > 0) problems.push(`unexpected API commands: ${others.join(', ')}`);

  problems.push(...stateProblems(result));
  return problems;
}

/** The simulator's account: exactly the joiners added, the movers moved and the leavers disabled. */
function stateProblems(result: ModeResult): string[] {
  const users = new Map(result.users.map((user) => [user.username, user]));
  const wrong = { joiner: [] as string[], mover: [] as string[], leaver: [] as string[] };
  for (const person of result.people) {
    const user = users.get(person.username);
    const ok =
      user !== undefined &&
      (person.role === 'joiner'
        ? user.status === 'invited' && !user.disabled && user.groups.includes(GROUPS.joiner)
        : person.role === 'mover'
          ? user.groups.includes(GROUPS.moverTo) && !user.groups.includes(GROUPS.moverFrom) && !user.disabled
          : user.disabled);
    if (!ok) wrong[person.role].push(person.username);
  }
  const problems: string[] = [];
  const describe = (role: keyof typeof wrong, what: string): void => {
    const list = wrong[role];
    if (list.length > 0) problems.push(`${list.length} ${role}s are not ${what}, e.g. ${list.slice(0, 3).join(', ')}`);
  };
  describe('joiner', `invited users in ${GROUPS.joiner}`);
  describe('mover', `in ${GROUPS.moverTo} (and out of ${GROUPS.moverFrom})`);
  describe('leaver', 'disabled');
  if (result.users.length !== result.people.length) {
    problems.push(`the simulator holds ${result.users.length} users, expected ${result.people.length}`);
  }
  return problems;
}

/** "2,000 new users, 5,000 moved, 3,000 disabled", counted from the simulator's state. */
export function stateLine(result: ModeResult): string {
  const users = new Map(result.users.map((user) => [user.username, user]));
  let added = 0;
  let moved = 0;
  let disabled = 0;
  for (const person of result.people) {
    const user = users.get(person.username);
    if (user === undefined) continue;
    if (person.role === 'joiner' && user.status === 'invited') added += 1;
    if (person.role === 'mover' && user.groups.includes(GROUPS.moverTo)) moved += 1;
    if (person.role === 'leaver' && user.disabled) disabled += 1;
  }
  return `${fmt(added)} new users, ${fmt(moved)} in ${GROUPS.moverTo}, ${fmt(disabled)} disabled`;
}

const fmt = (n: number): string => n.toLocaleString('en-US');
