import { loadConfig } from '../../src/config/load-config.ts';
import { type RunningLpprov, startLpprov } from '../../src/main.ts';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import { type CapturedLogs, captureLogs } from './log-capture.ts';
import { ScimClient, type ScimClientOptions } from './scim-http.ts';

export const SCIM_TEST_TOKEN = 'scim-integration-token-000000001';
export const SCIM_TEST_CREDENTIALS = { cid: '8771313', provhash: 'scim-integration-provisioning-hash-7d1' };

export interface ScimLpprov {
  readonly lpprov: RunningLpprov;
  readonly scim: ScimClient;
  readonly logs: CapturedLogs;
  readonly root: string;
}

/**
 * lpprov started in-process on `databaseUrl` with a SCIM token, against `simulator`. Several may
 * share one database (replicas); `stop()` on `lpprov` and start again to test restarts.
 */
export async function startScimLpprov(
  databaseUrl: string,
  simulator: RunningSimulator,
  options: { readonly env?: Readonly<Record<string, string>>; readonly client?: ScimClientOptions; readonly logLevel?: string } = {},
): Promise<ScimLpprov> {
  const logs = captureLogs(options.logLevel ?? 'debug');
  const lpprov = await startLpprov(
    loadConfig({
      LASTPASS_URL: simulator.endpoint,
      LASTPASS_CID: SCIM_TEST_CREDENTIALS.cid,
      LASTPASS_PROVHASH: SCIM_TEST_CREDENTIALS.provhash,
      DATABASE_URL: databaseUrl,
      SCIM_TOKENS: SCIM_TEST_TOKEN,
      PORT: '0',
      LASTPASS_RATE_PER_SECOND: '0',
      ...options.env,
    }),
    { logger: logs.logger },
  );
  const root = `${lpprov.httpUrl}/scim/v2`;
  return { lpprov, logs, root, scim: new ScimClient(root, SCIM_TEST_TOKEN, options.client ?? {}) };
}
