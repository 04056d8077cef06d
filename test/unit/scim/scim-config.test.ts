import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../../src/config/config-error.ts';
import { loadConfig } from '../../../src/config/load-config.ts';

describe('SCIM configuration', () => {
  it('defaults to no Basic credentials and a base URL from each request', () => {
    const config = loadConfig({});
    expect(config.scimBasicCredentials).toEqual([]);
    expect(config.scimBaseUrl).toBeUndefined();
  });

  it('reads SCIM_BASIC_CREDENTIALS as secrets and SCIM_BASE_URL without a trailing slash', () => {
    const config = loadConfig({
      SCIM_BASIC_CREDENTIALS: 'okta:basic-password-0000001, other:another-password-00002',
      SCIM_BASE_URL: 'https://lpprov.example.com/scim/v2/',
    });
    expect(config.scimBasicCredentials.map((c) => c.reveal())).toEqual(['okta:basic-password-0000001', 'other:another-password-00002']);
    expect(JSON.stringify(config)).not.toContain('basic-password');
    expect(config.scimBaseUrl).toBe('https://lpprov.example.com/scim/v2');
  });

  it('refuses a short password or a malformed pair without echoing it', () => {
    for (const value of ['okta:short', 'no-colon-here-at-all-0000', ':password-without-user-0000']) {
      let message = '';
      try {
        loadConfig({ SCIM_BASIC_CREDENTIALS: value });
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        message = error.message;
      }
      expect(message).toContain('SCIM_BASIC_CREDENTIALS');
      expect(message).not.toContain(value);
    }
    expect(() => loadConfig({ SCIM_BASE_URL: 'ftp://x' })).toThrow('SCIM_BASE_URL');
  });
});
