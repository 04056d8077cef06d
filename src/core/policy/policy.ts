/**
 * The provisioning policy: which people lpprov manages and how (docs/configuration.md, "Policy").
 * Parsed and validated from POLICY_FILE by src/config; the planner only reads it.
 */

/** A test on the worker snapshot; `path` is dotted from the event data, e.g. `worker.org.department`. */
export type Condition =
  | { readonly always: true }
  | { readonly path: string; readonly equals: string | number | boolean | null }
  | { readonly path: string; readonly in: readonly (string | number | boolean)[] }
  | { readonly path: string; readonly exists: boolean }
  | { readonly path: string; readonly matches: string }
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition };

/** What happens to a leaver's account: `deluser` 0 (deactivate), 1 (remove), 2 (delete). */
export type LeaverAction = 'deactivate' | 'remove' | 'delete';

export interface LeaverPolicy {
  /** At the leaving time (`effective_at`). */
  readonly onEffective: LeaverAction;
  /** When the event asks for access to go now (phase `immediate`, or `revoke_access_immediately`). */
  readonly onImmediate: LeaverAction;
  /** After the grace period, unless on legal hold: remove or delete. Absent: the account stays disabled. */
  readonly afterGrace: { readonly afterMs: number; readonly action: 'remove' | 'delete' } | undefined;
  readonly disableMultifactor: boolean;
  readonly requireMasterPasswordChange: boolean;
}

export interface Population {
  readonly name: string;
  readonly when: Condition;
  /** False: lpprov never touches these people (no commands at all). */
  readonly manage: boolean;
  /** Moving into a privileged population can trigger security steps (`security`). */
  readonly privileged: boolean;
  readonly leaver: LeaverPolicy;
}

export interface GroupRule {
  readonly when: Condition;
  readonly groups: readonly string[];
}

export interface JoinerPolicy {
  /** When to invite relative to the start (`effective_at`); negative: before. Never earlier than now. */
  readonly inviteOffsetMs: number;
  /** Give new accounts the configured default master password (the value itself lives outside the policy). */
  readonly defaultPassword: boolean;
  /** With a default password: must the user change it at first login. */
  readonly passwordResetRequired: boolean;
}

export interface Policy {
  /** First match wins; people matching none get `defaultPopulation`. */
  readonly populations: readonly Population[];
  readonly defaultPopulation: Population;
  readonly groupRules: readonly GroupRule[];
  /** lpprov adds and removes only these groups; any other group a user is in is left alone. */
  readonly managedGroups: { readonly prefix: string | undefined; readonly names: readonly string[] };
  readonly joiner: JoinerPolicy;
  /** People on legal hold by override, whatever their events say. */
  readonly legalHoldPersonIds: readonly string[];
  readonly security: {
    /** Require a master password change when someone moves into a privileged population. */
    readonly requireMasterPasswordChangeOnPrivilegedMove: boolean;
  };
  /** Which input decides when HR events and an IdP feed the same person (reference/hr-lifecycle.md §4.6). */
  readonly authority: { readonly lifecycle: 'hris' | 'idp'; readonly groups: 'rules' | 'idp' | 'none' };
}

export const DEFAULT_LEAVER: LeaverPolicy = {
  onEffective: 'deactivate',
  onImmediate: 'deactivate',
  afterGrace: { afterMs: 30 * 86_400_000, action: 'delete' },
  disableMultifactor: false,
  requireMasterPasswordChange: false,
};

/**
 * The policy when no POLICY_FILE is set: everyone managed, disable on leave, delete 30 days later,
 * and, as there are no group rules, the groups an identity provider pushes over SCIM.
 */
export const DEFAULT_POLICY: Policy = {
  populations: [],
  defaultPopulation: { name: 'default', when: { always: true }, manage: true, privileged: false, leaver: DEFAULT_LEAVER },
  groupRules: [],
  managedGroups: { prefix: undefined, names: [] },
  joiner: { inviteOffsetMs: 0, defaultPassword: false, passwordResetRequired: true },
  legalHoldPersonIds: [],
  security: { requireMasterPasswordChangeOnPrivilegedMove: false },
  authority: { lifecycle: 'hris', groups: 'idp' },
};

export function isManagedGroup(policy: Policy, group: string): boolean {
  const { prefix, names } = policy.managedGroups;
  return names.includes(group) || (prefix !== undefined && group.startsWith(prefix));
}
