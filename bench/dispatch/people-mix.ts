import type { LastPassAccount } from '../../src/core/account.ts';
import type { LastPassCommand } from '../../src/core/commands.ts';
import type { PersonRecord } from '../../src/core/ports.ts';

export type Role = 'joiner' | 'mover' | 'leaver';

export interface Mix {
  readonly joiners: number;
  readonly movers: number;
  readonly leavers: number;
}

/** Groups of the scenario: movers go from Sales to Engineering, joiners start in Staff. */
export const GROUPS = { joiner: 'Staff', moverFrom: 'Sales', moverTo: 'Engineering', leaver: 'Support' } as const;

export interface BenchPerson {
  readonly personId: string;
  readonly username: string;
  readonly role: Role;
}

/** The 2,000 / 5,000 / 3,000 of 10,000, scaled; leavers take the rounding remainder. */
export function mixFor(people: number): Mix {
  const joiners = Math.round(people * 0.2);
  const movers = Math.round(people * 0.5);
  return { joiners, movers, leavers: people - joiners - movers };
}

/**
 * Everyone of the burst, interleaved in a fixed pseudo-random order as a real HR feed would
 * deliver them (the dispatcher's priority order, not the arrival order, decides what goes first).
 */
export function peopleFor(mix: Mix): BenchPerson[] {
  const people: BenchPerson[] = [];
  const add = (role: Role, count: number): void => {
    for (let i = 1; i <= count; i++) {
      const id = `${role}-${String(i).padStart(6, '0')}`;
      people.push({ personId: id, username: `${id}@bench.example`, role });
    }
  };
  add('joiner', mix.joiners);
  add('mover', mix.movers);
  add('leaver', mix.leavers);
  return shuffled(people, 20_260_101);
}

/** The one command each person's change plans. */
export function commandFor(person: BenchPerson): LastPassCommand {
  switch (person.role) {
    case 'joiner':
      return { kind: 'add_user', username: person.username, fullname: fullname(person), groups: [GROUPS.joiner] };
    case 'mover':
      return { kind: 'change_groups', username: person.username, add: [GROUPS.moverTo], del: [GROUPS.moverFrom] };
    case 'leaver':
      return { kind: 'disable_user', username: person.username };
  }
}

/** The person row as the use case would leave it: desired state, and LastPass as planned. */
export function personRecordFor(person: BenchPerson): PersonRecord {
  const groups = person.role === 'joiner' ? [GROUPS.joiner] : person.role === 'mover' ? [GROUPS.moverTo] : [GROUPS.leaver];
  const planned: LastPassAccount = { username: person.username, fullname: fullname(person), groups, disabled: person.role === 'leaver' };
  return {
    personId: person.personId,
    desired: { username: person.username, fullname: fullname(person), groups, active: person.role !== 'leaver' },
    lastpass: planned,
    lastSequence: undefined,
    lastEventTime: undefined,
  };
}

/** Movers and leavers already have a LastPass account before the burst. */
export function existingAccountFor(person: BenchPerson): { username: string; fullname: string; groups: string[] } | undefined {
  if (person.role === 'joiner') return undefined;
  return {
    username: person.username,
    fullname: fullname(person),
    groups: [person.role === 'mover' ? GROUPS.moverFrom : GROUPS.leaver],
  };
}

function fullname(person: BenchPerson): string {
  return `Bench ${person.personId}`;
}

/** Fisher–Yates with mulberry32, so every run enqueues the same order. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
