import type { Config } from '../../config/config.ts';
import { loadConfig } from '../../config/load-config.ts';
import type { Secret } from '../../core/secret.ts';
import { UsageError } from '../lastpass/failure.ts';

export interface ReconcileSettings {
  readonly config: Config;
  readonly lastpass: { readonly url: string; readonly cid: string; readonly provhash: Secret };
}

/**
 * The configuration `lpprov reconcile` needs. Simulation mode's simulator lives inside
 * `lpprov start` and ends with it, so this command can only reach a real account or a simulator
 * started on its own, and refuses without credentials instead of starting an empty one.
 */
export function reconcileSettings(env: Readonly<Record<string, string | undefined>>): ReconcileSettings {
  const config = loadConfig(env);
  const { url, cid, provhash } = config.lastpass;
  if (cid === undefined || provhash === undefined) {
    throw new UsageError(
      'LASTPASS_CID and LASTPASS_PROVHASH are not set. Reconciliation compares lpprov with a LastPass account: set ' +
        'LASTPASS_CID and LASTPASS_PROVHASH, and LASTPASS_URL for a separately started `lpprov simulator` ' +
        '(e.g. http://127.0.0.1:8081/enterpriseapi.php). Simulation mode\'s simulator lives inside `lpprov start`; ' +
        'to reconcile against it, set RECONCILE_INTERVAL for lpprov start instead.',
    );
  }
  return { config, lastpass: { url, cid, provhash } };
}
