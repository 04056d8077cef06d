import { isRecord, toBoolean, toNumber, toText, toTextList } from './coerce.ts';

/**
 * One user from `getuserdata`, with LastPass's drifting types settled (reference §2.3): numeric
 * strings become numbers, `""` and null become null, 0/1 flags become booleans. Timestamps stay
 * LastPass's `YYYY-MM-DD HH:MM:SS` text, because their time zone is not documented.
 */
export interface LastPassUser {
  /** LastPass's numeric user id, as the string key it arrives under. */
  readonly id: string;
  readonly username: string;
  readonly fullname: string | null;
  readonly masterPasswordStrength: number | null;
  readonly created: string | null;
  readonly lastPasswordChange: string | null;
  readonly lastLogin: string | null;
  readonly neverLoggedIn: boolean;
  readonly disabled: boolean;
  readonly admin: boolean;
  readonly totalScore: number | null;
  readonly legacyTotalScore: number | null;
  readonly hasSharingKeys: boolean | null;
  readonly multifactor: string | null;
  readonly duoUsername: string | null;
  readonly linkedAccount: string | null;
  readonly sites: number | null;
  readonly notes: number | null;
  readonly formFills: number | null;
  readonly applications: number | null;
  readonly attachments: number | null;
  readonly passwordResetRequired: boolean | null;
  /** Group names; taken from the answer's `Groups` map when the user's own `groups` key is missing. */
  readonly groups: readonly string[];
}

/**
 * @param groupsOf groups for a username from the answer's `Groups` map, used when the user object
 *   has no `groups` key (recorded for a group-less user).
 */
export function normaliseUser(
  id: string,
  raw: unknown,
  groupsOf: (username: string) => readonly string[],
): LastPassUser | undefined {
  if (!isRecord(raw)) return undefined;
  const username = toText(raw['username']);
  if (username === null) return undefined;
  return {
    id,
    username,
    fullname: toText(raw['fullname']),
    masterPasswordStrength: toNumber(raw['mpstrength']),
    created: toText(raw['created']),
    lastPasswordChange: toText(raw['last_pw_change']),
    lastLogin: toText(raw['last_login']),
    neverLoggedIn: toBoolean(raw['neverloggedin']) ?? false,
    disabled: toBoolean(raw['disabled']) ?? false,
    admin: toBoolean(raw['admin']) ?? false,
    totalScore: toNumber(raw['totalscore']),
    legacyTotalScore: toNumber(raw['legacytotalscore']),
    hasSharingKeys: toBoolean(raw['hasSharingKeys']),
    multifactor: toText(raw['multifactor']),
    duoUsername: toText(raw['duousername']),
    linkedAccount: toText(raw['linked']),
    sites: toNumber(raw['sites']),
    notes: toNumber(raw['notes']),
    formFills: toNumber(raw['formfills']),
    applications: toNumber(raw['applications']),
    attachments: toNumber(raw['attachments']),
    passwordResetRequired: toBoolean(raw['password_reset_required']),
    groups: 'groups' in raw ? toTextList(raw['groups']) : groupsOf(username),
  };
}
