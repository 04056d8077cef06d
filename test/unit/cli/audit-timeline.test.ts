import { describe, expect, it } from 'vitest';

import { summariseCommand } from '../../../src/cli/audit/command-summary.ts';
import { describeEvent } from '../../../src/cli/audit/event-summary.ts';
import { buildTimeline, type OutcomeEntry } from '../../../src/cli/audit/timeline.ts';
import { timelineJson } from '../../../src/cli/audit/timeline-json.ts';
import { renderTimeline } from '../../../src/cli/audit/timeline-view.ts';
import type { AuditAttempt, AuditCommand, AuditDeadLetter, AuditInput, AuditRows } from '../../../src/db/audit.repository.ts';
import { hrEvent } from '../../fixtures/hr-events.ts';

const T0 = Date.parse('2026-03-02T09:00:00Z');

function input(overrides: Partial<AuditInput> = {}): AuditInput {
  return {
    personId: 'E1',
    source: 'hris://workday',
    eventId: 'evt-1',
    eventType: 'io.lpprov.hr.worker.joined.v1',
    outcome: 'applied',
    receivedAt: T0,
    correlationId: 'req-1',
    decisions: ['new account: invite now'],
    event: undefined,
    ...overrides,
  };
}

function command(id: number, overrides: Partial<AuditCommand> = {}): AuditCommand {
  return {
    id,
    personId: 'E1',
    seq: id,
    kind: 'add_user',
    status: 'done',
    command: { kind: 'add_user', username: 'ann@acme.example', fullname: 'Ann Lee', groups: ['hr-eng'] },
    attempts: 1,
    notBefore: T0,
    lastError: undefined,
    resolution: undefined,
    idempotencyKey: `k-${id}`,
    createdAt: T0,
    updatedAt: T0,
    correlationId: 'req-1',
    ...overrides,
  };
}

function attempt(id: number, outboxId: number, overrides: Partial<AuditAttempt> = {}): AuditAttempt {
  return { id, outboxId, attempt: 1, at: T0, outcome: 'done', detail: undefined, durationMs: 12, owner: 'host:1', ...overrides };
}

function deadLetter(id: number, overrides: Partial<AuditDeadLetter> = {}): AuditDeadLetter {
  return {
    id,
    personId: 'scim:7',
    source: 'scim://okta/Users/7',
    reason: 'not provisioned to LastPass: LastPass accounts are email addresses',
    raw: '{}',
    createdAt: T0,
    resolvedAt: undefined,
    resolution: undefined,
    ...overrides,
  };
}

const rows = (r: Partial<AuditRows>): AuditRows => ({ inputs: [], commands: [], attempts: [], deadLetters: [], ...r });

describe('buildTimeline', () => {
  it('puts entries in time order, an input before its commands and a command before its outcomes', () => {
    const timeline = buildTimeline(
      'E1',
      ['E1'],
      rows({
        inputs: [input(), input({ eventId: 'evt-2', receivedAt: T0 + 5_000, correlationId: 'req-2', decisions: ['leaver: deactivate'] })],
        // Listed out of order on purpose: the timeline orders them, not the database.
        commands: [
          command(2, { kind: 'disable_user', command: { kind: 'disable_user', username: 'ann@acme.example' }, createdAt: T0 + 5_000, correlationId: 'req-2' }),
          command(1),
        ],
        attempts: [
          attempt(3, 2, { at: T0 + 6_000 }),
          attempt(1, 1, { at: T0 + 1_000, outcome: 'retry', detail: 'HTTP 503' }),
          attempt(2, 1, { at: T0 + 2_000, attempt: 2 }),
        ],
      }),
    );
    expect(timeline.entries.map((e) => [e.type, e.at - T0, 'outboxId' in e ? e.outboxId : 'eventId' in e ? e.eventId : undefined])).toEqual([
      ['input', 0, 'evt-1'],
      ['command', 0, 1],
      ['attempt', 1_000, 1],
      ['attempt', 2_000, 1],
      ['input', 5_000, 'evt-2'],
      ['command', 5_000, 2],
      ['attempt', 6_000, 2],
    ]);
    const retry = timeline.entries[2] as OutcomeEntry;
    expect(retry).toMatchObject({ kind: 'add_user', attempt: 1, outcome: 'retry', detail: 'HTTP 503', durationMs: 12, by: 'host:1', inferred: false });
  });

  it('orders outcomes of the same moment by when they were recorded', () => {
    const timeline = buildTimeline(
      'E1',
      ['E1'],
      rows({ commands: [command(1)], attempts: [attempt(9, 1, { outcome: 'done', attempt: 2 }), attempt(4, 1, { outcome: 'released' })] }),
    );
    expect(timeline.entries.map((e) => ('outcome' in e ? e.outcome : e.type))).toEqual(['command', 'released', 'done']);
  });

  it('tells cancellations and operator actions from dispatch attempts', () => {
    const timeline = buildTimeline(
      'E1',
      ['E1'],
      rows({
        commands: [command(1, { status: 'cancelled' })],
        attempts: [
          attempt(1, 1, { outcome: 'dead', detail: 'LastPass refused it' }),
          attempt(2, 1, { outcome: 'operator_retry', attempt: undefined, owner: 'anna', durationMs: undefined, at: T0 + 1 }),
          attempt(3, 1, { outcome: 'cancelled', attempt: undefined, owner: undefined, durationMs: undefined, at: T0 + 2, detail: 'rehired' }),
        ],
      }),
    );
    expect(timeline.entries.slice(1).map((e) => [e.type, 'outcome' in e ? e.outcome : '', 'by' in e ? e.by : ''])).toEqual([
      ['attempt', 'dead', 'host:1'],
      ['operator', 'operator_retry', 'anna'],
      ['cancellation', 'cancelled', null],
    ]);
  });

  it('shows rows written before migration 0007: nulls, and the final status of a command without history', () => {
    const timeline = buildTimeline(
      'E1',
      ['E1'],
      rows({
        inputs: [input({ correlationId: undefined, decisions: undefined })],
        commands: [
          command(1, { correlationId: undefined, updatedAt: T0 + 3_000 }),
          command(2, { status: 'dead', lastError: 'group missing', attempts: 3, correlationId: undefined, updatedAt: T0 + 4_000 }),
          command(3, { status: 'skipped', resolution: 'skipped by anna', correlationId: undefined, updatedAt: T0 + 5_000 }),
          command(4, { status: 'pending', attempts: 2, correlationId: undefined }),
        ],
      }),
    );
    expect(timeline.entries[0]).toMatchObject({ type: 'input', correlationId: null, decisions: null, event: null });
    const inferred = timeline.entries.filter((e): e is OutcomeEntry => 'inferred' in e && e.inferred);
    expect(inferred.map((e) => [e.outboxId, e.type, e.outcome, e.attempt, e.detail, e.at - T0])).toEqual([
      [1, 'attempt', 'done', 1, null, 3_000],
      [2, 'attempt', 'dead', 3, 'group missing', 4_000],
      [3, 'operator', 'skipped', null, 'skipped by anna', 5_000],
    ]);
  });

  it('infers nothing for a command that has recorded history', () => {
    const timeline = buildTimeline('E1', ['E1'], rows({ commands: [command(1)], attempts: [attempt(1, 1)] }));
    expect(timeline.entries.filter((e) => 'inferred' in e)).toHaveLength(1);
  });
});

describe('timeline output', () => {
  const timeline = buildTimeline(
    'ann@acme.example',
    ['E1', 'scim:7'],
    rows({
      inputs: [input({ event: hrEvent({ personId: 'E1', email: 'ann@acme.example', given: 'Ann', family: 'Lee', department: 'Sales' }) })],
      commands: [command(1, { status: 'pending', attempts: 1, notBefore: T0 + 60_000, lastError: 'HTTP 503' })],
      attempts: [attempt(1, 1, { outcome: 'retry', detail: 'HTTP 503', at: T0 + 500 })],
    }),
  );

  it('prints ISO times in JSON, and null for what is absent', () => {
    const json = timelineJson(timeline) as { query: string; personIds: string[]; entries: Record<string, unknown>[] };
    expect(json.query).toBe('ann@acme.example');
    expect(json.personIds).toEqual(['E1', 'scim:7']);
    expect(json.entries.map((e) => e.at)).toEqual(['2026-03-02T09:00:00.000Z', '2026-03-02T09:00:00.000Z', '2026-03-02T09:00:00.500Z']);
    expect(json.entries[1]).toMatchObject({ type: 'command', notBefore: '2026-03-02T09:01:00.000Z', resolution: null, summary: 'invite ann@acme.example (Ann Lee), groups hr-eng' });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('renders a block per entry for people, with the person when several match', () => {
    const text = renderTimeline(timeline);
    expect(text).toContain('audit trail of E1, scim:7\n(the people whose LastPass username is ann@acme.example)');
    expect(text).toMatch(/^2026-03-02T09:00:00\.000Z {2}input {9}io\.lpprov\.hr\.worker\.joined\.v1 from hris:\/\/workday \(event evt-1\): applied$/m);
    expect(text).toMatch(/^ +event {8}ann@acme\.example, Ann Lee, Sales, active, effective 2026-01-05T08:00:00Z$/m);
    expect(text).toMatch(/^ +status {7}pending \(1 attempt, due 2026-03-02T09:01:00\.000Z\)$/m);
    expect(text).toMatch(/^2026-03-02T09:00:00\.500Z {2}attempt {7}#1 add_user attempt 1: retry \(12 ms\)$/m);
    expect(text.match(/^ +person {7}E1$/gm)).toHaveLength(3);
    expect(text.trimEnd().split('\n').at(-1)).toBe('1 input, 1 command, 1 outcome');
  });

  it('keeps control characters from the database out of the terminal', () => {
    const text = renderTimeline(buildTimeline('E1', ['E1'], rows({ inputs: [input({ decisions: ['evil\u001b[2Jtext\nmore'] })] })));
    expect(text).not.toContain('\u001b');
    expect(text).toContain('decision     evil [2Jtext more');
  });
});

describe('input dead letters in the timeline', () => {
  const timeline = buildTimeline(
    'scim:7',
    ['scim:7'],
    rows({
      inputs: [input({ personId: 'scim:7', source: 'scim://okta', eventId: 'scim-7-v2', receivedAt: T0 + 60_000 })],
      deadLetters: [
        deadLetter(4, { resolvedAt: T0 + 30_000, resolution: 'discarded by anna: fixed in Okta' }),
        deadLetter(9, { createdAt: T0 + 90_000, source: 'scim://okta/Users?userName=ann%40x', reason: 'refused \u001b[2Jcreate' }),
      ],
    }),
  );

  it('orders them with the inputs, open or resolved, times in ISO in JSON', () => {
    expect(timeline.entries.map((e) => [e.type, e.at - T0])).toEqual([
      ['dead_letter', 0],
      ['input', 60_000],
      ['dead_letter', 90_000],
    ]);
    const json = timelineJson(timeline) as { entries: Record<string, unknown>[] };
    expect(json.entries[0]).toEqual({
      type: 'dead_letter',
      at: '2026-03-02T09:00:00.000Z',
      personId: 'scim:7',
      deadLetterId: 4,
      source: 'scim://okta/Users/7',
      reason: 'not provisioned to LastPass: LastPass accounts are email addresses',
      outcome: 'resolved',
      resolvedAt: '2026-03-02T09:00:30.000Z',
      resolution: 'discarded by anna: fixed in Okta',
    });
    expect(json.entries[2]).toMatchObject({ deadLetterId: 9, outcome: 'open', resolvedAt: null, resolution: null });
  });

  it('renders them like inputs, from their source, and counts them apart from outcomes', () => {
    const text = renderTimeline(timeline);
    expect(text).toMatch(/^2026-03-02T09:00:00\.000Z {2}dead_letter {3}input from scim:\/\/okta\/Users\/7 \(dead letter 4\): resolved$/m);
    expect(text).toMatch(/^ +resolution {3}discarded by anna: fixed in Okta \(2026-03-02T09:00:30\.000Z\)$/m);
    expect(text).toMatch(/^ +next {9}fix the user in the identity provider, which then sends it again \(lpprov dead-letters show 9\)$/m);
    expect(text).not.toContain('\u001b');
    expect(text.trimEnd().split('\n').at(-1)).toBe('1 input, 0 commands, 0 outcomes, 2 dead letters');
  });

  it('names the query when only a refused create knows it', () => {
    const text = renderTimeline(buildTimeline('ann@x', [], rows({ deadLetters: [deadLetter(9, { personId: undefined })] })));
    expect(text.split('\n').slice(0, 2)).toEqual(['audit trail of ann@x', '(known only as the userName of refused SCIM users)']);
  });
});

describe('summaries', () => {
  it('says what each command does in a few words', () => {
    expect(summariseCommand({ kind: 'change_groups', username: 'a@x.io', add: ['hr-sales'], del: ['hr-eng'] })).toBe('a@x.io: +hr-sales, -hr-eng');
    expect(summariseCommand({ kind: 'delete_user', username: 'a@x.io', action: 'remove' })).toBe('remove a@x.io');
    expect(summariseCommand({ kind: 'update_email', oldEmail: 'a@x.io', newEmail: 'b@x.io' })).toBe('a@x.io -> b@x.io');
    expect(summariseCommand({ kind: 'require_master_password_change', username: 'a@x.io' })).toBe('require master password change for a@x.io');
    expect(summariseCommand({ kind: 'add_user', username: 'a@x.io', groups: [], defaultPassword: true })).toBe('invite a@x.io, default password');
  });

  it('describes a stored event defensively', () => {
    expect(describeEvent(undefined)).toBeUndefined();
    expect(describeEvent({ data: 'not an object' })).toBeUndefined();
    expect(describeEvent({ data: { worker: { email: { work: 'a@x.io' }, name: {} } } })).toBe('a@x.io');
  });
});
