import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config/load-config.ts';
import { type RunningLpprov, startLpprov } from '../../src/main.ts';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { hrEvent } from '../fixtures/hr-events.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.ts';
import { createTestTopic, kafkaBrokers, kafkaClient, randomGroupId } from '../support/kafka.ts';
import { type CapturedLogs, captureLogs } from '../support/log-capture.ts';
import { type CliResult, runLpprov, runnerEnv } from '../support/lpprov-cli.ts';
import { waitFor } from '../support/wait-for.ts';

const BIN = fileURLToPath(new URL('../../bin/lpprov.js', import.meta.url));
const CREDENTIALS = { cid: '8771312', provhash: 'audit-test-provisioning-hash-51' };
const TOKEN = 'audit-test-webhook-token-000001';
const SCIM_TOKEN = 'audit-test-scim-token-0000000001';
const POLICY = `
managed_groups: { prefix: "hr-" }
group_rules:
  - when: { path: worker.org.department, equals: Engineering }
    groups: [hr-eng]
  - when: { path: worker.org.department, equals: Sales }
    groups: [hr-sales]
`;

interface Entry {
  readonly type: 'input' | 'command' | 'attempt' | 'cancellation' | 'operator';
  readonly at: string;
  readonly personId: string;
  readonly eventId?: string;
  readonly outcome?: string;
  readonly correlationId?: string | null;
  readonly decisions?: string[] | null;
  readonly event?: { id?: string } | null;
  readonly outboxId?: number;
  readonly kind?: string;
  readonly status?: string;
  readonly summary?: string;
  readonly attempt?: number | null;
  readonly detail?: string | null;
  readonly durationMs?: number | null;
  readonly by?: string | null;
  readonly inferred?: boolean;
}

interface AuditJson {
  readonly query: string;
  readonly personIds: string[];
  readonly entries: Entry[];
}

/** `node bin/lpprov.js …` as a real child process against the test database. */
function lpprovCli(databaseUrl: string, args: readonly string[]): Promise<CliResult> {
  return runLpprov(args, { ...runnerEnv(), DATABASE_URL: databaseUrl }, { script: BIN });
}

/**
 * The audit trail end to end, on each engine: a joiner through the webhook with the sender's
 * X-Request-Id, a mover through Kafka whose API call fails once at the simulator, a leaver, and
 * an operator action; then `lpprov audit` as a real child process shows every input with its
 * decisions and every command with what became of it, under the correlation ids the log lines use.
 */
describe.each(ENGINES)('lpprov audit on %s', (engine) => {
  let simulator: RunningSimulator;
  let testDb: TestDatabase;
  let lpprov: RunningLpprov;
  let logs: CapturedLogs;
  let topic: string;

  const post = async (body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${lpprov.httpUrl}/hr/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const statusOf = async (personId: string, kind: string): Promise<string | undefined> => {
    const [row] = await testDb.db.query<{ status: string }>('SELECT status FROM outbox WHERE person_id = $1 AND kind = $2', [personId, kind]);
    return row?.status;
  };
  const audit = async (person: string): Promise<AuditJson> => {
    const result = await lpprovCli(testDb.databaseUrl, ['audit', '--person', person, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as AuditJson;
  };

  beforeAll(async () => {
    simulator = await startSimulator({ ...CREDENTIALS, port: 0 });
    testDb = await createTestDatabase(engine);
    topic = await createTestTopic(1);
    logs = captureLogs('info');
    const policyFile = join(mkdtempSync(join(tmpdir(), 'lpprov-audit-')), 'policy.yaml');
    writeFileSync(policyFile, POLICY);
    lpprov = await startLpprov(
      loadConfig({
        LASTPASS_URL: simulator.endpoint,
        LASTPASS_CID: CREDENTIALS.cid,
        LASTPASS_PROVHASH: CREDENTIALS.provhash,
        DATABASE_URL: testDb.databaseUrl,
        HR_WEBHOOK_TOKENS: TOKEN,
        SCIM_TOKENS: SCIM_TOKEN,
        KAFKA_BROKERS: kafkaBrokers().join(','),
        KAFKA_TOPIC: topic,
        KAFKA_GROUP_ID: randomGroupId(),
        POLICY_FILE: policyFile,
        RETRY_BASE_MS: '50',
        RETRY_CAP_MS: '100',
        DISPATCH_POLL_MS: '50',
        PORT: '0',
      }),
      { logger: logs.logger },
    );
  });
  afterAll(async () => {
    await lpprov.stop();
    await simulator.stop();
    await testDb.dispose();
  });

  it('shows every input, decision, command and attempt of a person under the correlation ids of the log lines', async () => {
    const personId = `P-AUD-${engine}`;
    const email = `aud.${engine}@acme.example`;
    const requestId = `req-${engine}-0001`;
    const now = new Date().toISOString();
    const joiner = hrEvent({ personId, email, department: 'Engineering', sequence: 1, time: now });
    const mover = hrEvent({ personId, email, department: 'Sales', sequence: 2, time: now, type: 'io.lpprov.hr.worker.moved.v1' });
    const leaver = hrEvent({ personId, email, department: 'Sales', sequence: 3, time: now, type: 'io.lpprov.hr.worker.left.v1' });

    // Joiner through the webhook, named by the sender's request id.
    const joined = await post(joiner, { 'x-request-id': requestId });
    expect(joined.status).toBe(202);
    expect(joined.headers.get('x-correlation-id')).toBe(requestId);
    await waitFor(async () => (await statusOf(personId, 'add_user')) === 'done', { description: 'add_user done' });

    // Mover through Kafka; its batchchangegrp fails once (the client's own retries included), then goes through.
    const faults = await fetch(`${simulator.url}/_simulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ nextFaults: [{ kind: 'http503', count: 3, cmd: 'batchchangegrp' }] }),
    });
    expect(faults.status).toBe(200);
    const producer = kafkaClient('audit-producer').producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: personId, value: JSON.stringify(mover) }] });
    await producer.disconnect();
    await waitFor(async () => (await statusOf(personId, 'change_groups')) === 'done', { description: 'change_groups done' });

    // Leaver through the webhook without a request id: lpprov makes one and says which.
    const left = await post(leaver);
    expect(left.status).toBe(202);
    const leaverCorrelation = left.headers.get('x-correlation-id') ?? '';
    expect(leaverCorrelation).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(async () => (await statusOf(personId, 'disable_user')) === 'done', { description: 'disable_user done' });

    // An operator withdraws the delete the leave scheduled for the end of the grace period.
    const [scheduled] = await testDb.db.query<{ id: unknown }>("SELECT id FROM outbox WHERE person_id = $1 AND kind = 'delete_user'", [personId]);
    const cancelled = await lpprovCli(testDb.databaseUrl, ['outbox', 'cancel', String(scheduled?.id), '--actor', 'auditor']);
    expect(cancelled.code).toBe(0);

    const processed = logs.lines().find((line) => line.msg === 'HR event processed' && line.eventId === mover.id);
    const moverCorrelation = String(processed?.correlationId);
    expect(processed).toMatchObject({ partition: 0, offset: '0', topic, result: 'applied' });
    expect(moverCorrelation).toMatch(/^[0-9a-f-]{36}$/);

    const trail = await audit(personId);
    expect(trail.personIds).toEqual([personId]);
    const times = trail.entries.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    const inputs = trail.entries.filter((e) => e.type === 'input');
    expect(inputs.map((e) => [e.eventId, e.outcome, e.correlationId, e.event?.id])).toEqual([
      [joiner.id, 'applied', requestId, joiner.id],
      [mover.id, 'applied', moverCorrelation, mover.id],
      [leaver.id, 'applied', leaverCorrelation, leaver.id],
    ]);
    expect(inputs[0]?.decisions).toContain('new account: invite now');
    expect(inputs[2]?.decisions?.some((d) => d.startsWith('leaver: deactivate at'))).toBe(true);
    // Recorded for every input (null only for rows from before migration 0007), even when the planner gave no reason.
    for (const input of inputs) expect(input.decisions).toEqual(expect.any(Array));

    const commands = trail.entries.filter((e) => e.type === 'command');
    expect(commands.map((e) => [e.kind, e.status, e.correlationId])).toEqual([
      ['add_user', 'done', requestId],
      ['change_groups', 'done', moverCorrelation],
      ['disable_user', 'done', leaverCorrelation],
      ['delete_user', 'cancelled', leaverCorrelation],
    ]);
    expect(commands[1]?.summary).toBe(`${email}: +hr-sales, -hr-eng`);

    const historyOf = (kind: string) => trail.entries.filter((e) => e.type !== 'input' && e.type !== 'command' && e.kind === kind);
    expect(historyOf('add_user').map((e) => [e.type, e.attempt, e.outcome])).toEqual([['attempt', 1, 'done']]);
    const moves = historyOf('change_groups');
    expect(moves.map((e) => [e.type, e.attempt, e.outcome])).toEqual([
      ['attempt', 1, 'retry'],
      ['attempt', 2, 'done'],
    ]);
    expect(moves[0]?.detail).toContain('503');
    for (const move of moves) {
      expect(move.by).toEqual(expect.any(String));
      expect(move.durationMs).toBeGreaterThanOrEqual(0);
      expect(move.inferred).toBe(false);
    }
    expect(historyOf('delete_user').map((e) => [e.type, e.outcome, e.detail, e.by])).toEqual([
      ['operator', 'operator_cancel', 'cancelled by auditor', 'auditor'],
    ]);

    // The API call lines carry the same correlation ids: one line per call, two for the mover.
    const calls = logs.lines().filter((line) => line.msg === 'LastPass call');
    const callsOf = (id: string) => calls.filter((line) => (line.correlationIds as string[]).includes(id));
    expect(callsOf(requestId).map((line) => [line.command, line.count, line.outcome])).toEqual([['add_user', 1, 'done']]);
    expect(callsOf(moverCorrelation).map((line) => [line.command, line.outcome])).toEqual([
      ['change_groups', 'retry'],
      ['change_groups', 'done'],
    ]);
    expect(callsOf(leaverCorrelation).map((line) => line.command)).toEqual(['disable_user']);
    expect(logs.lines().find((line) => line.msg === 'command will be retried')?.correlationId).toBe(moverCorrelation);
    expect(logs.lines().find((line) => line.msg === 'HR webhook request processed')?.correlationId).toBe(requestId);

    // The LastPass username names the same person; the text view tells the same story.
    const byEmail = await lpprovCli(testDb.databaseUrl, ['audit', '--person', email.toUpperCase()]);
    expect(byEmail.code).toBe(0);
    expect(byEmail.stdout).toContain(`audit trail of ${personId}`);
    expect(byEmail.stdout).toContain(`correlation  ${requestId}`);
    expect(byEmail.stdout).toMatch(/#\d+ change_groups attempt 1: retry \(\d+ ms\)\n +detail +LastPass batchchangegrp: HTTP 503/);
    expect(byEmail.stdout).toContain('3 inputs, 4 commands, 5 outcomes');
    for (const secret of [TOKEN, CREDENTIALS.provhash]) {
      expect(logs.text()).not.toContain(secret);
      expect(byEmail.stdout).not.toContain(secret);
    }
  });

  it("follows a SCIM request's correlation id into its input, command and log lines", async () => {
    const email = `scim.${engine}@acme.example`;
    const created = await fetch(`${lpprov.scimUrl}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SCIM_TOKEN}`, 'content-type': 'application/scim+json', 'x-correlation-id': `okta-${engine}-77` },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: email,
        name: { givenName: 'Sky', familyName: 'Ito' },
        emails: [{ value: email, type: 'work', primary: true }],
        active: true,
      }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-correlation-id')).toBe(`okta-${engine}-77`);
    const { id } = (await created.json()) as { id: string };
    await waitFor(async () => (await statusOf(`scim:${id}`, 'add_user')) === 'done', { description: 'SCIM add_user done' });

    const trail = await audit(email);
    expect(trail.personIds).toEqual([`scim:${id}`]);
    expect(trail.entries.map((e) => [e.type, e.correlationId ?? e.outcome])).toEqual([
      ['input', `okta-${engine}-77`],
      ['command', `okta-${engine}-77`],
      ['attempt', 'done'],
    ]);
    expect(logs.lines().find((line) => line.msg === 'SCIM request' && line.method === 'POST' && line.correlationId === `okta-${engine}-77`)).toMatchObject({
      status: 201,
    });
    expect(logs.lines().some((line) => line.msg === 'LastPass call' && (line.correlationIds as string[]).includes(`okta-${engine}-77`))).toBe(true);
  });

  it('still shows rows written before the audit trail existed, and refuses an unknown person with exit 2', async () => {
    const personId = `P-OLD-${engine}`;
    const then = Date.parse('2026-01-05T09:00:00Z');
    // What an lpprov before migration 0007 left behind: no correlation id, decisions, event or history.
    await testDb.db.execute(
      `INSERT INTO inbox (source, event_id, person_id, event_type, outcome, received_at) VALUES ('hris://old', 'evt-old-1', $1, 'io.lpprov.hr.worker.joined.v1', 'applied', $2)`,
      [personId, then],
    );
    await testDb.db.execute(
      `INSERT INTO outbox (person_id, seq, kind, priority, payload, idempotency_key, status, attempts, not_before, created_at, updated_at)
       VALUES ($1, 1, 'add_user', 2, $2, $3, 'done', 1, $4, $4, $5)`,
      [personId, JSON.stringify({ kind: 'add_user', username: 'old@acme.example', groups: [] }), `old-${engine}`, then, then + 1500],
    );

    const trail = await audit(personId);
    expect(trail.entries.map((e) => [e.type, e.at, e.correlationId ?? null, e.decisions ?? null, e.outcome ?? e.status, e.inferred ?? null])).toEqual([
      ['input', '2026-01-05T09:00:00.000Z', null, null, 'applied', null],
      ['command', '2026-01-05T09:00:00.000Z', null, null, 'done', null],
      ['attempt', '2026-01-05T09:00:01.500Z', null, null, 'done', true],
    ]);

    const unknown = await lpprovCli(testDb.databaseUrl, ['audit', '--person', 'P-NOBODY']);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/^lpprov: nobody is known as "P-NOBODY"/);
  });
});
