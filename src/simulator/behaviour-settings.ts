import { SettingsReader } from './settings-reader.ts';

/** What `batchadd` does with a username that already exists (reference §8.1). */
export const BATCHADD_EXISTING = ['upsert', 'ignore', 'error'] as const;
export type BatchaddExisting = (typeof BATCHADD_EXISTING)[number];

export const SHARED_FOLDER_FLAG_STYLES = ['string', 'number'] as const;
export type SharedFolderFlagStyle = (typeof SHARED_FOLDER_FLAG_STYLES)[number];

/**
 * Answers to the reference's open questions that a test may want to flip. The defaults and the
 * reasoning behind each are in docs/simulator.md ("Choices for open questions").
 */
export interface BehaviourSettings {
  /** `batchadd`/`batchchangegrp` create unknown groups; false: the entry fails (§8.2). */
  readonly autoCreateGroups: boolean;
  /** `batchadd` of an existing user: update it, leave it, or fail the entry (§8.1). */
  readonly batchaddExisting: BatchaddExisting;
  /** Invited (never logged in) users appear in `getuserdata` `Users` as well as in `invited` (§8.10). */
  readonly invitedInUsers: boolean;
  /** `enableuser` also lifts a `deluser` deleteaction 0 deactivation (§8.4). */
  readonly enableReversesDeactivate: boolean;
  /** `disableuser`/`enableuser` list unknown usernames under `unchanged_users` instead of `error` (§8.4). */
  readonly unknownUsersInUnchanged: boolean;
  /** `readonly`/`give`/`can_administer` as "0"/"1" (seen in real data) or 0/1 (official sample) (§2.9). */
  readonly sharedFolderFlags: SharedFolderFlagStyle;
  /** Largest `getuserdata` page; larger requests are cut to it. null: no limit (§8.6). */
  readonly maxPageSize: number | null;
  /** Events per `reporting` call (LP-report: 10,000). */
  readonly reportingMaxEvents: number;
  /** Master-password age after which `expiredmasterpwlist` lists an active user. */
  readonly masterPasswordMaxAgeDays: number;
  /** `updateemail` calls per second per source IP and per `oldemail` (LP-email: 10); null: none. */
  readonly updateEmailPerSecond: number | null;
}

export type BehaviourSettingsUpdate = Partial<BehaviourSettings>;

export const DEFAULT_BEHAVIOUR_SETTINGS: BehaviourSettings = Object.freeze({
  autoCreateGroups: true,
  batchaddExisting: 'upsert',
  invitedInUsers: true,
  enableReversesDeactivate: false,
  unknownUsersInUnchanged: false,
  sharedFolderFlags: 'string',
  maxPageSize: null,
  reportingMaxEvents: 10_000,
  masterPasswordMaxAgeDays: 90,
  updateEmailPerSecond: 10,
});

const KEYS = Object.keys(DEFAULT_BEHAVIOUR_SETTINGS);

/** Applies a partial update (unknown: it may come straight from JSON); throws SettingsError. */
export function applyBehaviourUpdate(current: BehaviourSettings, update: unknown): BehaviourSettings {
  const r = new SettingsReader();
  const rec = r.record(update, '', KEYS);
  if (!rec) {
    r.finish();
    return current;
  }
  const flag = (key: keyof BehaviourSettings, fallback: boolean): boolean =>
    rec[key] === undefined ? fallback : (r.boolean(rec[key], key) ?? fallback);
  const positive = (key: keyof BehaviourSettings, fallback: number | null, nullable: boolean): number | null => {
    const value = rec[key];
    if (value === undefined) return fallback;
    if (value === null && nullable) return null;
    return r.number(value, key, { min: 1, integer: true }) ?? fallback;
  };
  const next: BehaviourSettings = {
    autoCreateGroups: flag('autoCreateGroups', current.autoCreateGroups),
    batchaddExisting:
      rec.batchaddExisting === undefined
        ? current.batchaddExisting
        : (r.oneOf(rec.batchaddExisting, 'batchaddExisting', BATCHADD_EXISTING) ?? current.batchaddExisting),
    invitedInUsers: flag('invitedInUsers', current.invitedInUsers),
    enableReversesDeactivate: flag('enableReversesDeactivate', current.enableReversesDeactivate),
    unknownUsersInUnchanged: flag('unknownUsersInUnchanged', current.unknownUsersInUnchanged),
    sharedFolderFlags:
      rec.sharedFolderFlags === undefined
        ? current.sharedFolderFlags
        : (r.oneOf(rec.sharedFolderFlags, 'sharedFolderFlags', SHARED_FOLDER_FLAG_STYLES) ?? current.sharedFolderFlags),
    maxPageSize: positive('maxPageSize', current.maxPageSize, true),
    reportingMaxEvents: positive('reportingMaxEvents', current.reportingMaxEvents, false) ?? current.reportingMaxEvents,
    masterPasswordMaxAgeDays:
      positive('masterPasswordMaxAgeDays', current.masterPasswordMaxAgeDays, false) ?? current.masterPasswordMaxAgeDays,
    updateEmailPerSecond: positive('updateEmailPerSecond', current.updateEmailPerSecond, true),
  };
  r.finish();
  return next;
}
