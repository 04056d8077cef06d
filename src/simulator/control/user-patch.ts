import type { JsonRecord } from '../json-values.ts';
import { SettingsReader } from '../settings-reader.ts';
import type { SimUser, VaultCounts } from '../state/user-directory.ts';

/** Fields a test may set on a user directly (things no API command can change). */
export const PATCH_KEYS = [
  'fullname',
  'admin',
  'superadmin',
  'federated',
  'disabled',
  'multifactor',
  'mpstrength',
  'totalscore',
  'passwordResetRequired',
  'lastPwChange',
  'lastLogin',
  'linked',
  'vault',
] as const;

const VAULT_KEYS = ['sites', 'notes', 'formfills', 'applications', 'attachments'] as const;

function readTime(r: SettingsReader, value: unknown, key: string): number | undefined {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) r.problem(`${key} must be an ISO 8601 time`);
  return Number.isNaN(ms) ? undefined : ms;
}

function readNullableString(r: SettingsReader, value: unknown, key: string): string | null | undefined {
  if (value === null || typeof value === 'string') return value;
  r.problem(`${key} must be a string or null`);
  return undefined;
}

function readVault(r: SettingsReader, value: unknown, current: VaultCounts | null): VaultCounts | undefined {
  const rec = r.record(value, 'vault', VAULT_KEYS);
  if (!rec) return undefined;
  const vault = { ...(current ?? { sites: 0, notes: 0, formfills: 0, applications: 0, attachments: 0 }) };
  for (const key of VAULT_KEYS) {
    if (rec[key] !== undefined) vault[key] = r.number(rec[key], `vault.${key}`, { min: 0, integer: true }) ?? 0;
  }
  return vault;
}

/** Applies the known keys of `patch` to `user`; problems go to the reader (caller finishes it). */
export function applyUserPatch(r: SettingsReader, user: SimUser, patch: JsonRecord): void {
  const has = (key: (typeof PATCH_KEYS)[number]): boolean => patch[key] !== undefined;
  if (has('fullname')) {
    if (typeof patch.fullname === 'string') user.fullname = patch.fullname;
    else r.problem('fullname must be a string');
  }
  for (const key of ['admin', 'superadmin', 'federated', 'passwordResetRequired'] as const) {
    if (has(key)) user[key] = r.boolean(patch[key], key) ?? user[key];
  }
  if (has('disabled')) user.disabledByAdmin = r.boolean(patch.disabled, 'disabled') ?? user.disabledByAdmin;
  if (has('multifactor')) user.multifactor = readNullableString(r, patch.multifactor, 'multifactor') ?? null;
  if (has('linked')) user.linked = readNullableString(r, patch.linked, 'linked') ?? null;
  if (has('mpstrength')) user.mpstrength = r.number(patch.mpstrength, 'mpstrength', { min: 0, max: 100, integer: true }) ?? 0;
  if (has('totalscore')) {
    user.totalscore = patch.totalscore === null ? null : (r.number(patch.totalscore, 'totalscore', { min: 0 }) ?? null);
  }
  if (has('lastPwChange')) user.lastPwChangeMs = readTime(r, patch.lastPwChange, 'lastPwChange') ?? user.lastPwChangeMs;
  if (has('lastLogin')) user.lastLoginMs = readTime(r, patch.lastLogin, 'lastLogin') ?? user.lastLoginMs;
  if (has('vault')) user.vault = readVault(r, patch.vault, user.vault) ?? user.vault;
}

/** Applies `patch` only if all of it is valid (checked on a copy first); throws SettingsError. */
export function patchUser(user: SimUser, patch: JsonRecord): void {
  const check = new SettingsReader();
  applyUserPatch(check, { ...user }, patch);
  check.finish();
  applyUserPatch(new SettingsReader(), user, patch);
}
