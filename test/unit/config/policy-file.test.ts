import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../../src/config/config-error.ts';
import { parseIsoDuration } from '../../../src/config/iso-duration.ts';
import { loadPolicy, parsePolicy } from '../../../src/config/policy-file.ts';
import { DEFAULT_POLICY } from '../../../src/core/policy/policy.ts';

function problems(document: unknown): readonly string[] {
  try {
    parsePolicy(document);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('policy file', () => {
  it('gives the defaults when no file is configured', async () => {
    expect(await loadPolicy(undefined)).toBe(DEFAULT_POLICY);
  });

  it('reads YAML with durations, populations and rules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lpprov-policy-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(
      file,
      [
        'managed_groups: { prefix: "hr-" }',
        'populations:',
        '  - name: contractors',
        '    when: { path: worker.worker_type, in: [contractor] }',
        '    leaver: { after_grace: { after: P14D, action: delete } }',
        'group_rules:',
        '  - when: { always: true }',
        '    groups: [hr-all]',
        'joiner: { invite: -P1D }',
      ].join('\n'),
    );
    const policy = await loadPolicy(file);
    expect(policy.populations[0]?.leaver.afterGrace).toEqual({ afterMs: 14 * 86_400_000, action: 'delete' });
    expect(policy.populations[0]?.leaver.onEffective).toBe('deactivate');
    expect(policy.joiner.inviteOffsetMs).toBe(-86_400_000);
    expect(policy.groupRules).toHaveLength(1);
  });

  it('accepts the example policy the docs point to', async () => {
    const policy = await loadPolicy(new URL('../../../examples/policy.yaml', import.meta.url).pathname);
    expect(policy.populations.map((p) => p.name)).toEqual(['acquired-labs', 'contractors', 'executives']);
    expect(policy.populations[0]?.manage).toBe(false);
    expect(policy.populations[2]?.leaver).toMatchObject({ disableMultifactor: true, afterGrace: { afterMs: 90 * 86_400_000 } });
    expect(policy.defaultPopulation.leaver.afterGrace).toEqual({ afterMs: 30 * 86_400_000, action: 'delete' });
  });

  it('lists every problem at once', () => {
    const found = problems({
      populations: [
        { name: 'a', when: { path: 'x', equals: 1 }, leaver: { after_grace: { after: 'P1M', action: 'delete' } } },
        { name: 'b', when: { path: 'x', matches: '(' } },
      ],
      group_rules: [{ when: { always: true }, groups: ['x'] }],
      joiner: { invite: 'tomorrow' },
      surprise: true,
    });
    expect(found.join('\n')).toMatch(/populations\.0\.leaver\.after_grace\.after: must be an ISO 8601 duration/);
    expect(found.join('\n')).toMatch(/joiner\.invite/);
    expect(found.join('\n')).toMatch(/surprise|Unrecognized key/);
    expect(found.length).toBeGreaterThanOrEqual(3);
  });

  it('refuses rules that give groups lpprov would not manage', () => {
    expect(problems({ group_rules: [{ when: { always: true }, groups: ['Finance'] }] })).toEqual([
      'policy: group_rules.0.groups: "Finance" is not a managed group (managed_groups), so lpprov could add it but never remove it',
    ]);
  });

  it('says which file cannot be read or parsed', async () => {
    await expect(loadPolicy('/nonexistent/policy.yaml')).rejects.toThrow(/cannot read \/nonexistent\/policy.yaml \(ENOENT\)/);
    const dir = mkdtempSync(join(tmpdir(), 'lpprov-policy-'));
    writeFileSync(join(dir, 'bad.yaml'), 'populations: [\n');
    await expect(loadPolicy(join(dir, 'bad.yaml'))).rejects.toThrow(/is not valid YAML or JSON/);
  });

  it('parses ISO 8601 durations without years or months', () => {
    expect(parseIsoDuration('P30D')).toBe(30 * 86_400_000);
    expect(parseIsoDuration('PT12H30M')).toBe(12.5 * 3_600_000);
    expect(parseIsoDuration('-P1D')).toBe(-86_400_000);
    expect(parseIsoDuration('P2W')).toBe(14 * 86_400_000);
    expect(parseIsoDuration('PT1.5S')).toBe(1500);
    for (const bad of ['P1M', 'P1Y', 'P', 'PT', '30d', '']) expect(parseIsoDuration(bad)).toBeUndefined();
  });
});

describe('group authority default', () => {
  it('is the identity provider without group rules, the rules with them, and what the file says when it says', () => {
    expect(parsePolicy({}).authority.groups).toBe('idp');
    expect(DEFAULT_POLICY.authority.groups).toBe('idp');
    expect(parsePolicy({ managed_groups: { prefix: 'hr-' }, group_rules: [{ when: { always: true }, groups: ['hr-all'] }] }).authority.groups).toBe('rules');
    expect(parsePolicy({ authority: { groups: 'rules' } }).authority.groups).toBe('rules');
    expect(parsePolicy({ authority: { groups: 'none' } }).authority.groups).toBe('none');
  });
});
