import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../../src/config/load-config.ts';
import { Secret } from '../../../src/core/secret.ts';
import { captureLogs } from '../../support/log-capture.ts';

const PROVHASH = 'prov-hash-5f1c9e0d';
const TOKEN = 'scim-token-0123456789abcdef';
const PASSWORD = 'Default-Passw0rd!';

describe('log redaction', () => {
  it('keeps the provisioning hash, tokens and passwords out of every log line', () => {
    const { logger, text, lines } = captureLogs();
    const config = loadConfig({ LASTPASS_CID: '8771312', LASTPASS_PROVHASH: PROVHASH, SCIM_TOKENS: TOKEN });

    logger.info({ config }, 'configuration loaded');
    logger.info({ request: { cid: '8771312', provhash: PROVHASH, cmd: 'batchadd' } }, 'call');
    logger.info({ req: { headers: { authorization: `Bearer ${TOKEN}` } } }, 'scim request');
    logger.info({ data: [{ username: 'a@example.com', password: PASSWORD }] }, 'batch');
    logger.child({ component: 'x' }).warn({ user: { password: PASSWORD }, token: TOKEN }, 'nested');
    logger.info({ secret: new Secret(PROVHASH) }, 'secret object');

    const output = text();
    expect(lines()).toHaveLength(6);
    for (const secret of [PROVHASH, TOKEN, PASSWORD]) expect(output).not.toContain(secret);
    // The non-secret parts are still there, so the lines stay useful.
    expect(output).toContain('batchadd');
    expect(output).toContain('a@example.com');
    expect(output).toContain('[redacted]');
  });
});
