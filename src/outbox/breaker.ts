import type { CommandKind } from '../core/commands.ts';

/** Kinds that take access away: the mass-change breaker counts and parks these. */
export const DESTRUCTIVE_KINDS: readonly CommandKind[] = ['disable_user', 'delete_user'];

export interface BreakerSettings {
  readonly enabled: boolean;
  readonly windowMs: number;
  /** More destructive commands than this within the window trips the breaker. */
  readonly maxPerWindow: number;
  /** ...or more than this share (0–1) of the managed accounts, */
  readonly maxShare: number;
  /** ...counted only from this many on, so a small company can still offboard one person. */
  readonly minCountForShare: number;
}

export const DEFAULT_BREAKER: BreakerSettings = {
  enabled: true,
  windowMs: 3_600_000,
  maxPerWindow: 200,
  maxShare: 0.05,
  minCountForShare: 10,
};

/** Why the breaker trips for `count` destructive commands in the window, or undefined when it does not. */
export function breakerTrip(count: number, managedAccounts: number, settings: BreakerSettings): string | undefined {
  if (!settings.enabled) return undefined;
  if (count > settings.maxPerWindow) {
    return `${count} destructive commands within ${settings.windowMs / 60_000} min exceed the limit of ${settings.maxPerWindow}`;
  }
  const share = managedAccounts === 0 ? 1 : count / managedAccounts;
  if (count >= settings.minCountForShare && share > settings.maxShare) {
    return `${count} destructive commands within ${settings.windowMs / 60_000} min are ${(share * 100).toFixed(1)}% of ${managedAccounts} accounts, above ${(settings.maxShare * 100).toFixed(1)}%`;
  }
  return undefined;
}
