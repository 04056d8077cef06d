/**
 * What success looks like for each command, and whether sending it twice is harmless. The
 * spellings differ per command (reference §1.5): legacy commands answer `OK`, disableuser and
 * enableuser `success`, expiredmasterpwlist `Success`, and read commands carry no status at all.
 */
export interface AnswerSpec {
  /** Status values meaning success, compared ignoring case (the docs themselves disagree on case). */
  readonly successStatuses: readonly string[];
  /**
   * When the answer has no `status`: 'any' accepts any object without error texts (a map keyed by
   * id), a key list accepts an object holding one of those keys, 'none' accepts nothing.
   */
  readonly withoutStatus: 'any' | 'none' | readonly string[];
  /**
   * Whether repeating the call after an ambiguous failure is harmless. deluser may already have
   * deleted the user, and the account actions send emails, so those are repeated in-request only
   * when the failure proves LastPass never acted.
   */
  readonly repeatable: boolean;
}

export const KNOWN_COMMANDS = [
  'batchadd',
  'updateuser',
  'getuserdata',
  'deluser',
  'disableuser',
  'enableuser',
  'batchchangegrp',
  'reinviteuser',
  'resetpassword',
  'requiremasterpasswordchange',
  'disablemultifactor',
  'updateemail',
  'getsfdata',
  'getdetailedsfdata',
  'reporting',
  'expiredmasterpwlist',
] as const;
export type KnownCommand = (typeof KNOWN_COMMANDS)[number];

/** Removed by LastPass (reference §2.13); the client refuses it without a network call. */
export const REMOVED_COMMANDS: ReadonlyMap<string, string> = new Map([
  [
    'pushsitestousers',
    'LastPass removed pushsitestousers from the Enterprise API; share a folder with a group instead',
  ],
]);

const OK_WRITE: AnswerSpec = { successStatuses: ['OK'], withoutStatus: 'none', repeatable: true };
const OK_ONCE: AnswerSpec = { successStatuses: ['OK'], withoutStatus: 'none', repeatable: false };
const READ_MAP: AnswerSpec = { successStatuses: ['OK'], withoutStatus: 'any', repeatable: true };

export const COMMAND_SPECS: Readonly<Record<KnownCommand, AnswerSpec>> = {
  batchadd: OK_WRITE,
  updateuser: OK_WRITE,
  getuserdata: {
    successStatuses: ['OK'],
    withoutStatus: ['Users', 'Groups', 'total', 'count', 'invited'],
    repeatable: true,
  },
  deluser: OK_ONCE,
  disableuser: { successStatuses: ['success'], withoutStatus: 'none', repeatable: true },
  enableuser: { successStatuses: ['success'], withoutStatus: 'none', repeatable: true },
  batchchangegrp: OK_WRITE,
  reinviteuser: OK_ONCE,
  resetpassword: OK_ONCE,
  requiremasterpasswordchange: OK_WRITE,
  disablemultifactor: OK_WRITE,
  updateemail: OK_ONCE,
  getsfdata: READ_MAP,
  getdetailedsfdata: READ_MAP,
  // The SIEM format is documented only through clients, which read `events` and no status.
  reporting: { successStatuses: ['OK'], withoutStatus: ['events', 'data'], repeatable: true },
  expiredmasterpwlist: { successStatuses: ['Success'], withoutStatus: 'none', repeatable: true },
};

/** For `call()` with a command this client does not know: any documented success spelling. */
export const GENERIC_SPEC: AnswerSpec = {
  successStatuses: ['OK', 'success'],
  withoutStatus: 'any',
  repeatable: false,
};

export function specFor(cmd: string): AnswerSpec {
  return (KNOWN_COMMANDS as readonly string[]).includes(cmd)
    ? COMMAND_SPECS[cmd as KnownCommand]
    : GENERIC_SPEC;
}
