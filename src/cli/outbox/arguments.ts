import { userInfo } from 'node:os';

import { InvalidArgumentError } from 'commander';

import { ACCOUNT_ACTIONS, type CommandKind } from '../../core/commands.ts';

// A record, so that the compiler notices a command kind added to core but missing here.
const KINDS: Record<CommandKind, true> = {
  add_user: true,
  update_user: true,
  change_groups: true,
  disable_user: true,
  enable_user: true,
  delete_user: true,
  update_email: true,
  ...(Object.fromEntries(ACCOUNT_ACTIONS.map((action) => [action, true])) as Record<(typeof ACCOUNT_ACTIONS)[number], true>),
};

/** Every command kind the outbox can hold, for `--kind`. */
export const COMMAND_KINDS = Object.keys(KINDS) as CommandKind[];

/** An outbox id: a whole number above zero. */
export function parseId(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('expected an outbox id (a whole number above 0)');
  }
  return Number(value);
}

/** Commander calls the parser of a variadic argument once per value, passing what it has so far. */
export function collectIds(value: string, previous: number[] | undefined): number[] {
  return [...(previous ?? []), parseId(value)];
}

export function parseLimit(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > 100_000) {
    throw new InvalidArgumentError('expected a whole number from 1 to 100000');
  }
  return Number(value);
}

export function parseActor(value: string): string {
  const actor = value.trim();
  if (actor === '') throw new InvalidArgumentError('expected a name');
  return actor;
}

/**
 * Who acts, for the command's resolution: the operating system's user name. A container may run
 * under a uid with no passwd entry, where userInfo() throws; USER or LOGNAME then stands in.
 */
export function defaultActor(): string {
  try {
    const name = userInfo().username;
    if (name !== '') return name;
  } catch {
    // fall through to the environment
  }
  return process.env.USER ?? process.env.LOGNAME ?? 'unknown';
}
