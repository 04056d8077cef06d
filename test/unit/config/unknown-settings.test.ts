import { describe, expect, it } from 'vitest';

import { unknownSettings } from '../../../src/config/unknown-settings.ts';

describe('unknownSettings', () => {
  it('names a typo of a setting, with the setting it most likely meant', () => {
    expect(unknownSettings({ LASTPAS_CID: '8771312', KAFKA_BROKER: 'k:9092', SCIM_TOKEN: 'x' })).toEqual([
      { name: 'KAFKA_BROKER', suggestion: 'KAFKA_BROKERS' },
      { name: 'LASTPAS_CID', suggestion: 'LASTPASS_CID' },
      { name: 'SCIM_TOKEN', suggestion: 'SCIM_TOKENS' },
    ]);
  });

  it('names a variable with one of lpprov prefixes that is no setting, even without a near one', () => {
    expect(unknownSettings({ LPPROV_COLOUR: 'blue', DISPATCH_SPEED: 'fast' })).toEqual([
      { name: 'DISPATCH_SPEED', suggestion: undefined },
      { name: 'LPPROV_COLOUR', suggestion: undefined },
    ]);
  });

  it('leaves known settings and other programs\' variables alone', () => {
    expect(unknownSettings({ LASTPASS_CID: '1', PORT: '8080', HOST: '::', PATH: '/usr/bin', HOME: '/root', NODE_OPTIONS: '', LPPROV_SIMULATOR_PROVHASH: 'h' })).toEqual([]);
  });

  it('catches a typo of a longer setting without a prefix', () => {
    expect(unknownSettings({ DATABSE_URL: 'postgres://x', POLICY_FLE: 'p.yaml', HOSTNAME: 'box', LOGNAME: 'root' })).toEqual([
      { name: 'DATABSE_URL', suggestion: 'DATABASE_URL' },
      { name: 'POLICY_FLE', suggestion: 'POLICY_FILE' },
    ]);
  });
});
