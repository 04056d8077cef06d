import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../../src/config/config-error.ts';
import { loadConfig } from '../../../src/config/load-config.ts';

describe('RECONCILE_INTERVAL and RECONCILE_FIX', () => {
  it('are off and report-only by default (unset or empty)', () => {
    expect(loadConfig({}).reconcile).toEqual({ intervalMs: undefined, fix: false });
    expect(loadConfig({ RECONCILE_INTERVAL: '', RECONCILE_FIX: '' }).reconcile).toEqual({ intervalMs: undefined, fix: false });
  });

  it.each([
    ['PT1H', 3_600_000],
    ['PT15M', 900_000],
    ['P1D', 86_400_000],
    ['PT1S', 1_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(loadConfig({ RECONCILE_INTERVAL: text, RECONCILE_FIX: 'true' }).reconcile).toEqual({ intervalMs: ms, fix: true });
  });

  it.each([
    ['P1M', 'must be an ISO 8601 duration'],
    ['every hour', 'must be an ISO 8601 duration'],
    ['-PT1H', 'must be at least PT1S'],
    ['PT0.5S', 'must be at least PT1S'],
  ])('refuses %s', (text, message) => {
    expect(() => loadConfig({ RECONCILE_INTERVAL: text })).toThrow(ConfigError);
    expect(() => loadConfig({ RECONCILE_INTERVAL: text })).toThrow(`RECONCILE_INTERVAL: ${message}`);
  });

  it('refuses a RECONCILE_FIX that is not a boolean', () => {
    expect(() => loadConfig({ RECONCILE_FIX: 'yes' })).toThrow(/RECONCILE_FIX/);
  });
});
