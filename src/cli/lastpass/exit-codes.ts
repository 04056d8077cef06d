/** Exit statuses of `lpprov lastpass …`, for scripts (docs/cli.md, "Exit codes"). */
export const EXIT = {
  ok: 0,
  /** Configuration or usage error (commander's own usage errors exit 1 too). */
  usage: 1,
  /** LastPass refused the request (FAIL, a 4xx, an answer of the wrong shape): repeating it will not help. */
  rejected: 2,
  /** LastPass refused the account number or provisioning hash. */
  auth: 3,
  /** LastPass could not be reached or answered 429/5xx, after the retries: trying later may work. */
  transient: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  configuration or usage error (e.g. LASTPASS_CID/LASTPASS_PROVHASH not set)
  2  LastPass refused the request (FAIL); repeating it will not help
  3  authentication failed: LastPass refused LASTPASS_CID or LASTPASS_PROVHASH
  4  LastPass unreachable, throttled (429) or failing (5xx) after retries; try again later

Needs LASTPASS_CID and LASTPASS_PROVHASH (and LASTPASS_URL for the simulator); lpprov's
simulation mode does not apply to these commands.`;
