import { InvalidArgumentError } from 'commander';

/** A dead letter id: a whole number above zero. */
export function parseDeadLetterId(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('expected a dead letter id (a whole number above 0)');
  }
  return Number(value);
}

/** Why an operator discards one: kept in its resolution, so it may not be blank. */
export function parseReason(value: string): string {
  const reason = value.trim();
  if (reason === '') throw new InvalidArgumentError('expected a reason');
  return reason;
}
