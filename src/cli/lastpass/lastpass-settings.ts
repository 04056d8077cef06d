import { loadConfig } from '../../config/load-config.ts';
import type { Secret } from '../../core/secret.ts';

import { UsageError } from './failure.ts';

export interface LastPassSettings {
  readonly url: string;
  readonly cid: string;
  readonly provhash: Secret;
}

/**
 * The LastPass part of lpprov's configuration, which the admin commands cannot do without:
 * `lpprov start` falls back to simulation mode when neither variable is set, but these commands
 * exist to look at a real account (or a simulator someone started), so they refuse instead.
 */
export function lastPassSettings(env: Readonly<Record<string, string | undefined>>): LastPassSettings {
  const { url, cid, provhash } = loadConfig(env).lastpass;
  if (cid === undefined || provhash === undefined) {
    throw new UsageError(
      'LASTPASS_CID and LASTPASS_PROVHASH are not set. The lastpass commands need a LastPass account: ' +
        'set LASTPASS_CID and LASTPASS_PROVHASH, and LASTPASS_URL to use a simulator ' +
        '(e.g. http://127.0.0.1:8081/enterpriseapi.php). lpprov\'s simulation mode does not apply to them.',
    );
  }
  return { url, cid, provhash };
}
