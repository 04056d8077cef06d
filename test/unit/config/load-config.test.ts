import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../../src/config/config-error.ts';
import { DEFAULT_DATABASE_PATH, DEFAULT_LASTPASS_URL, loadConfig } from '../../../src/config/load-config.ts';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.lastpass).toEqual({ url: DEFAULT_LASTPASS_URL, cid: undefined, provhash: undefined, defaultPassword: undefined, simulatorPort: 8081 });
    expect(config.database).toEqual({ kind: 'sqlite', path: DEFAULT_DATABASE_PATH });
    expect(config.kafka).toBeUndefined();
    expect(config.port).toBe(8080);
    expect(config.scimTokens).toEqual([]);
    expect(config.logLevel).toBe('info');
  });

  it('reads every variable', () => {
    const config = loadConfig({
      LASTPASS_URL: 'http://127.0.0.1:9999/enterpriseapi.php',
      LASTPASS_CID: '8771312',
      LASTPASS_PROVHASH: 'hash-value',
      DATABASE_URL: 'postgres://lpprov:pw@db:5432/lpprov',
      KAFKA_BROKERS: 'k1:9092, k2:9092',
      KAFKA_TOPIC: 'hr.events',
      KAFKA_GROUP_ID: 'lpprov-a',
      PORT: '9090',
      LASTPASS_SIMULATOR_PORT: '0',
      SCIM_TOKENS: 'token-aaaaaaaaaaaaaaaa,token-bbbbbbbbbbbbbbbb',
      HR_WEBHOOK_TOKENS: 'hook-cccccccccccccccc',
      POLICY_FILE: '/etc/lpprov/policy.yaml',
      LOG_LEVEL: 'debug',
    });
    expect(config.lastpass.cid).toBe('8771312');
    expect(config.lastpass.provhash?.reveal()).toBe('hash-value');
    expect(config.database.kind).toBe('postgres');
    expect(config.kafka).toEqual({ brokers: ['k1:9092', 'k2:9092'], topic: 'hr.events', groupId: 'lpprov-a', sessionTimeoutMs: 30_000 });
    expect(config.port).toBe(9090);
    expect(config.lastpass.simulatorPort).toBe(0);
    expect(config.scimTokens.map((t) => t.reveal())).toEqual(['token-aaaaaaaaaaaaaaaa', 'token-bbbbbbbbbbbbbbbb']);
    expect(config.hrWebhookTokens).toHaveLength(1);
    expect(config.policyFile).toBe('/etc/lpprov/policy.yaml');
    expect(config.logLevel).toBe('debug');
  });

  it('binds loopback in simulation mode and every interface with credentials, unless HOST says otherwise', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    // Every interface, IPv4 and IPv6: Node's default when no address is given.
    expect(loadConfig({ LASTPASS_CID: '8771312', LASTPASS_PROVHASH: 'hash-value' }).host).toBeUndefined();
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '::1' }).host).toBe('::1');
    expect(loadConfig({ HOST: 'lpprov.internal' }).host).toBe('lpprov.internal');
    expect(problemsOf({ HOST: 'http://0.0.0.0' })).toEqual(['HOST: must be an IP address or a host name (0.0.0.0: every interface)']);
  });

  it('uses the default Kafka topic and group when only brokers are set', () => {
    expect(loadConfig({ KAFKA_BROKERS: '127.0.0.1:9092' }).kafka).toEqual({
      brokers: ['127.0.0.1:9092'],
      topic: 'hr.lifecycle.v1',
      groupId: 'lpprov',
      sessionTimeoutMs: 30_000,
    });
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({
      LASTPASS_URL: 'not a url',
      LASTPASS_CID: 'abc',
      PORT: '70000',
      KAFKA_BROKERS: 'nohostport',
      LOG_LEVEL: 'loud',
      SCIM_TOKENS: 'short',
    });
    const named = problems.map((p) => p.split(':')[0]);
    expect(named).toEqual(
      expect.arrayContaining(['LASTPASS_URL', 'LASTPASS_CID', 'PORT', 'KAFKA_BROKERS.0', 'LOG_LEVEL', 'SCIM_TOKENS.0']),
    );
  });

  it('refuses a provisioning hash without an account number, without echoing the hash', () => {
    const problems = problemsOf({ LASTPASS_PROVHASH: 'super-secret-hash' });
    expect(problems).toEqual(['LASTPASS_CID: LASTPASS_CID and LASTPASS_PROVHASH must be set together']);
    expect(problems.join(' ')).not.toContain('super-secret-hash');
  });

  it('never shows secrets when the config is printed or serialised', () => {
    const config = loadConfig({
      LASTPASS_CID: '1',
      LASTPASS_PROVHASH: 'hash-value-123',
      SCIM_TOKENS: 'token-aaaaaaaaaaaaaaaa',
      DATABASE_URL: 'postgres://u:db-password@h/d',
    });
    const shown = `${JSON.stringify(config)} ${String(config.lastpass.provhash)}`;
    for (const secret of ['hash-value-123', 'token-aaaaaaaaaaaaaaaa', 'db-password']) {
      expect(shown).not.toContain(secret);
    }
  });

  it('is frozen', () => {
    const config = loadConfig({ KAFKA_BROKERS: 'a:1' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.kafka)).toBe(true);
    expect(Object.isFrozen(config.kafka?.brokers)).toBe(true);
  });
});
