import { Secret } from '../../../../src/core/secret.ts';
import type { LastPassClientOptions } from '../../../../src/lastpass/client-options.ts';
import { LastPassClient } from '../../../../src/lastpass/lastpass.client.ts';
import { captureLogs } from '../../../support/log-capture.ts';

export const TEST_CID = '8771312';
export const TEST_PROVHASH = 'provhash-6c1f0e9bd3a24b7f';

export type CapturedLog = ReturnType<typeof captureLogs>;

/** A client with short timeouts and near-instant in-request retries, for loopback tests. */
export function testClient(
  url: string,
  overrides: Partial<LastPassClientOptions> = {},
): { client: LastPassClient; log: CapturedLog } {
  const log = captureLogs('debug');
  const client = new LastPassClient({
    cid: TEST_CID,
    provhash: new Secret(TEST_PROVHASH),
    logger: log.logger,
    url,
    timeouts: { connectMs: 500, headersMs: 300, bodyMs: 300, keepAliveMs: 1000 },
    retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 1000 },
    ...overrides,
  });
  return { client, log };
}
