import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { hrEvent } from '../fixtures/hr-events.ts';
import { appliedEffects, type Effect, simulatorCalls } from './simulator-calls.ts';

/** The scenario's policy: short grace so the delete fires within the test. */
export const SCENARIO_POLICY = `
managed_groups: { prefix: "hr-" }
defaults:
  leaver: { on_effective: deactivate, after_grace: { after: PT3S, action: delete } }
group_rules:
  - when: { always: true }
    groups: [hr-all]
  - when: { path: worker.org.department, equals: Sales }
    groups: [hr-sales]
  - when: { path: worker.org.department, equals: Engineering }
    groups: [hr-eng]
`;

export function writeScenarioPolicy(dir: string): string {
  const file = join(dir, 'policy.yaml');
  writeFileSync(file, SCENARIO_POLICY);
  return file;
}

export interface ScenarioMessage {
  readonly key: string;
  /** The raw value: a JSON event, or a deliberately broken message. */
  readonly value: string;
  readonly label: string;
}

/**
 * Eight people through the lifecycle, 17 messages in three waves, as a real timeline would have
 * them (people are provisioned before they move or leave; the rehire comes once the leave has
 * run, so it exercises re-enabling within grace; the email change once D accepted):
 * A joins (Sales); B joins (Engineering) and moves to Sales; C joins with a start 4 s ahead;
 * D joins and changes email; E joins and leaves (deleted after the 3 s grace); F joins, leaves,
 * and is rehired within grace; G joins and the same event arrives twice; H joins, moves to Sales
 * (sequence 3), and an older move back to Engineering (sequence 2) arrives late; and one message
 * is not JSON at all.
 */
export class HrScenario {
  readonly run = randomUUID().slice(0, 6);
  readonly start: number;
  readonly #ids = new Map<string, string>();

  constructor(start = Date.now()) {
    this.start = start;
  }

  person(letter: string): string {
    return `SC-${this.run}-${letter}`;
  }

  email(letter: string): string {
    return `${this.person(letter).toLowerCase()}@acme.example`;
  }

  #event(letter: string, type: string, sequence: number, extra: Parameters<typeof hrEvent>[0] = {}): ScenarioMessage {
    const iso = new Date(this.start).toISOString();
    const label = `${letter}:${type}:${sequence}`;
    const id = this.#ids.get(label) ?? `evt-${this.run}-${letter}-${type}-${sequence}`;
    this.#ids.set(label, id);
    const event = hrEvent({
      personId: this.person(letter),
      email: this.email(letter),
      given: letter,
      family: 'Tester',
      id,
      type: `io.lpprov.hr.worker.${type}.v1`,
      sequence,
      time: new Date(this.start + sequence * 1000).toISOString(),
      effectiveAt: iso,
      ...extra,
    });
    return { key: this.person(letter), value: JSON.stringify(event), label };
  }

  /** People join (and one message is broken). */
  joiners(): ScenarioMessage[] {
    const future = new Date(this.start + 4000).toISOString();
    return [
      this.#event('A', 'joined', 1, { department: 'Sales' }),
      this.#event('B', 'joined', 1, { department: 'Engineering' }),
      this.#event('C', 'joined', 1, { effectiveAt: future, phase: 'scheduled', status: 'pending' }),
      this.#event('D', 'joined', 1),
      this.#event('E', 'joined', 1),
      this.#event('F', 'joined', 1),
      this.#event('G', 'joined', 1),
      this.#event('G', 'joined', 1), // the same event again (same source and id)
      this.#event('H', 'joined', 1, { department: 'Engineering' }),
      { key: 'broken', value: '{"specversion": "1.0", "type": ', label: 'invalid' },
    ];
  }

  /** Once they are provisioned: moves and leaves, and an older move that arrives late. */
  moversAndLeavers(): ScenarioMessage[] {
    return [
      this.#event('B', 'moved', 2, { department: 'Sales' }),
      this.#event('E', 'left', 2),
      this.#event('F', 'left', 2),
      this.#event('H', 'moved', 3, { department: 'Sales' }),
      this.#event('H', 'moved', 2, { department: 'Engineering' }), // older: stale
    ];
  }

  /**
   * After F's leave has run and D has accepted the invitation (LastPass refuses an email change
   * for an account that was never activated): the rehire and the email change.
   */
  rehireAndEmail(): ScenarioMessage[] {
    return [
      this.#event('F', 'rehired', 3),
      this.#event('D', 'attributes_changed', 2, { email: `${this.person('D').toLowerCase()}.new@acme.example` }),
    ];
  }

  /** The users provisioned by the joiners (C starts later). */
  firstWave(): string[] {
    return ['A', 'B', 'D', 'E', 'F', 'G', 'H'].map((l) => this.email(l));
  }
}

interface SimUser {
  username: string;
  disabled: boolean;
  groups: string[];
  pendingEmail: string | null;
}

/** The person accepts the invitation (logs in), as LastPass requires before an email change. */
export async function acceptInvitation(simulatorUrl: string, username: string): Promise<void> {
  const response = await fetch(`${simulatorUrl}/_simulator/users/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  if (!response.ok) throw new Error(`accept ${username}: ${response.status} ${await response.text()}`);
}

export async function simulatorUsers(simulatorUrl: string): Promise<SimUser[]> {
  const state = (await (await fetch(`${simulatorUrl}/_simulator/state`)).json()) as { users: SimUser[] };
  return state.users;
}

/** What LastPass must look like at the end, and which calls must have reached it. */
/**
 * `kills`: when the test killed lpprov (epoch ms). A command LastPass applied just before a kill,
 * whose outcome lpprov could not record, is sent again by the next process: the documented
 * at-least-once window (docs/outbox.md). Such a repeat counts once; any other repeat is a problem.
 */
export async function checkScenarioOutcome(
  scenario: HrScenario,
  simulatorUrl: string,
  endpointUsers: string[],
  kills: readonly number[] = [],
): Promise<string[]> {
  const problems: string[] = [];
  const expect = (ok: boolean, what: string): void => {
    if (!ok) problems.push(what);
  };
  const users = new Map((await simulatorUsers(simulatorUrl)).filter((u) => u.username.includes(scenario.run)).map((u) => [u.username, u]));
  const listed = endpointUsers.filter((u) => u.includes(scenario.run)).sort();
  const present = ['A', 'B', 'C', 'D', 'F', 'G', 'H'].map((l) => scenario.email(l)).sort();
  expect(JSON.stringify(listed) === JSON.stringify(present), `getuserdata lists ${listed.join(', ')}; expected ${present.join(', ')}`);
  const groups = (l: string): string => users.get(scenario.email(l))?.groups.join(',') ?? '(missing)';
  expect(groups('A') === 'hr-all,hr-sales', `A groups ${groups('A')}`);
  expect(groups('B') === 'hr-all,hr-sales', `B groups ${groups('B')}`);
  expect(groups('H') === 'hr-all,hr-sales', `H groups ${groups('H')} (the stale move must not apply)`);
  expect(users.get(scenario.email('F'))?.disabled === false, 'F re-enabled');
  expect(users.get(scenario.email('D'))?.pendingEmail === `${scenario.person('D').toLowerCase()}.new@acme.example`, 'D email change pending');

  const effects = onceAcrossKills(
    appliedEffects(await simulatorCalls(simulatorUrl)).filter((e) => e.username.includes(scenario.run)),
    kills,
  );
  const count = (cmd: string, letter: string): number => effects.filter((e) => e.cmd === cmd && e.username === scenario.email(letter)).length;
  for (const l of ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']) expect(count('batchadd', l) === 1, `${l} batchadd sent ${count('batchadd', l)}×`);
  expect(count('disableuser', 'E') === 1 && count('disableuser', 'F') === 1, 'E and F disabled once');
  expect(count('enableuser', 'F') === 1, 'F enabled once');
  expect(count('deluser', 'E') === 1, `E deleted once (sent ${count('deluser', 'E')}×)`);
  expect(count('deluser', 'F') === 0, 'F never deleted');
  expect(count('updateemail', 'D') === 1, 'D updateemail once');
  for (const l of ['B', 'H']) expect(count('batchchangegrp', l) === 1, `${l} moved ${count('batchchangegrp', l)}× (once expected)`);
  const repeated = new Map<string, number>();
  for (const e of effects) repeated.set(e.key, (repeated.get(e.key) ?? 0) + 1);
  const twice = [...repeated.entries()].filter(([, n]) => n > 1).map(([k]) => k);
  expect(twice.length === 0, `effects applied twice: ${twice.join('; ')}`);
  return problems;
}

/** The effects with a repeat dropped where the first application came before a kill and the repeat after it. */
function onceAcrossKills(effects: readonly Effect[], kills: readonly number[]): Effect[] {
  const firstAt = new Map<string, number>();
  return effects.filter((effect) => {
    const at = Date.parse(effect.call.time);
    const first = firstAt.get(effect.key);
    if (first === undefined) {
      firstAt.set(effect.key, at);
      return true;
    }
    return !kills.some((kill) => first <= kill && kill <= at);
  });
}
