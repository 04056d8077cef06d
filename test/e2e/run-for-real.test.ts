import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { toNumber } from '../../src/db/sql-database.ts';
import { hrEvent } from '../fixtures/hr-events.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.ts';
import { createTestTopic, kafkaBrokers, kafkaClient } from '../support/kafka.ts';
import { LpprovProcess } from '../support/lpprov-process.ts';
import { startLpprovProcess, type StartedLpprovProcess } from '../support/scim-process.ts';
import { simulatorUsers } from '../support/hr-scenario.ts';
import { appliedEffects, simulatorCalls } from '../support/simulator-calls.ts';
import { waitFor } from '../support/wait-for.ts';

const CREDENTIALS = { cid: '8771390', provhash: 'run-for-real-provisioning-hash-0042' };
const WEBHOOK_TOKEN = 'run-for-real-webhook-token-000001';
const POLICY = `
managed_groups: { prefix: "hr-" }
defaults:
  leaver: { on_effective: deactivate, on_immediate: deactivate, after_grace: never }
group_rules:
  - when: { always: true }
    groups: [hr-all]
  - when: { path: worker.org.department, equals: Sales }
    groups: [hr-sales]
  - when: { path: worker.org.department, equals: Engineering }
    groups: [hr-eng]
`;

interface SimUserView {
  readonly username: string;
  readonly disabled: boolean;
  readonly groups: readonly string[];
}

/**
 * The end-to-end check: `lpprov start` as a child process against a separately started
 * `lpprov simulator`, on its generated SCIM token, driven through SCIM, the HR webhook and Kafka;
 * then SIGTERM in the middle of a second, larger run, a restart on the same database, and proof
 * that nothing acknowledged was lost and nothing reached LastPass twice.
 */
describe.each(ENGINES)('lpprov run for real on %s', (engine) => {
  const run = randomUUID().slice(0, 8);
  const email = (name: string): string => `rfr-${run}-${name}@acme.example`;
  let dir: string;
  let testDb: TestDatabase;
  let topic: string;
  let simulator: LpprovProcess;
  let simulatorUrl: string;
  let env: Record<string, string>;
  let lpprov: StartedLpprovProcess | undefined;
  let scimToken: string;
  const producer = kafkaClient('run-for-real-producer').producer();

  const users = async (): Promise<Map<string, SimUserView>> =>
    new Map((await simulatorUsers(simulatorUrl)).map((u) => [u.username, { username: u.username, disabled: u.disabled, groups: u.groups }]));

  const produce = async (events: readonly Record<string, unknown>[]): Promise<void> => {
    await producer.send({
      topic,
      messages: events.map((event) => ({ key: (event.data as { worker: { person_id: string } }).worker.person_id, value: JSON.stringify(event) })),
    });
  };

  const postWebhook = async (url: string, events: readonly Record<string, unknown>[]): Promise<number> => {
    const response = await fetch(`${url}/hr/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${WEBHOOK_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(events.length === 1 ? events[0] : events),
    });
    await response.arrayBuffer();
    return response.status;
  };

  const scim = async (url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await fetch(`${url}/scim/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${scimToken}`, 'content-type': 'application/scim+json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  };

  const scimUser = (name: string): Record<string, unknown> => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: email(name),
    name: { givenName: name, familyName: 'Scim' },
    emails: [{ value: email(name), type: 'work', primary: true }],
    active: true,
  });

  const joiner = (name: string, department: string, sequence = 1): Record<string, unknown> =>
    hrEvent({ personId: `RFR-${run}-${name}`, email: email(name), department, sequence, given: name, family: 'Hr' });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lpprov-run-for-real-'));
    writeFileSync(join(dir, 'policy.yaml'), POLICY);
    testDb = await createTestDatabase(engine);
    topic = await createTestTopic(3);
    await producer.connect();
    // Slow enough that the second run is still going when SIGTERM arrives.
    simulator = new LpprovProcess(
      ['simulator', '--port', '0', '--cid', CREDENTIALS.cid, '--provhash', CREDENTIALS.provhash, '--latency', '40-120'],
      {},
    );
    await waitFor(() => /listening on (\S+)/.test(simulator.stdout), { description: 'the simulator to listen' });
    const endpoint = /listening on (\S+)/.exec(simulator.stdout)?.[1] ?? '';
    simulatorUrl = endpoint.replace(/\/enterpriseapi\.php$/, '');
    env = {
      DATABASE_URL: testDb.databaseUrl,
      PORT: '0',
      LASTPASS_URL: endpoint,
      LASTPASS_CID: CREDENTIALS.cid,
      LASTPASS_PROVHASH: CREDENTIALS.provhash,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC: topic,
      KAFKA_GROUP_ID: `lpprov-rfr-${run}`,
      HR_WEBHOOK_TOKENS: WEBHOOK_TOKEN,
      POLICY_FILE: join(dir, 'policy.yaml'),
      DISPATCH_BATCH_SIZE: '4',
      DISPATCH_MAX_IN_FLIGHT: '2',
      LASTPASS_RATE_PER_SECOND: '8',
      LASTPASS_RATE_BURST: '2',
    };
  });

  afterAll(async () => {
    await lpprov?.process.kill('SIGKILL');
    await simulator.kill('SIGTERM');
    await producer.disconnect();
    await testDb.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts with a generated SCIM token shown once, and provisions through SCIM, the webhook and Kafka', async () => {
    lpprov = await startLpprovProcess(env);
    await waitFor(() => lpprov?.process.stderr.includes('Health') === true, { description: 'the start banner' });
    const banner = lpprov.process.stderr;
    const token = /SCIM token\s+(lpprov_scim_\S+)/.exec(banner)?.[1];
    expect(token, banner).toBeDefined();
    scimToken = token ?? '';
    expect(banner).toContain(`SCIM base URL  ${lpprov.httpUrl}/scim/v2`);
    // Shown once, on stderr only: the JSON logs never carry it.
    expect(lpprov.process.stdout).not.toContain(scimToken);

    const url = lpprov.httpUrl;
    expect((await scim(url, 'GET', '/Users?count=1', undefined)).status).toBe(200);
    const created = await scim(url, 'POST', '/Users', scimUser('alice'));
    expect(created.status).toBe(201);
    expect(await postWebhook(url, [joiner('bob', 'Engineering')])).toBe(202);
    await produce([joiner('carol', 'Sales')]);

    await waitFor(async () => {
      const now = await users();
      return ['alice', 'bob', 'carol'].every((n) => now.has(email(n)));
    }, { description: 'alice, bob and carol in LastPass' });

    // A mover on Kafka, a leaver on the webhook, a deactivation from the IdP.
    await produce([{ ...hrEvent({ type: 'io.lpprov.hr.worker.moved.v1', personId: `RFR-${run}-carol`, email: email('carol'), department: 'Engineering', sequence: 2, time: '2026-01-06T08:00:00Z' }) }]);
    expect(
      await postWebhook(url, [hrEvent({ type: 'io.lpprov.hr.worker.left.v1', personId: `RFR-${run}-bob`, email: email('bob'), department: 'Engineering', sequence: 2, revokeNow: true, time: '2026-01-06T08:00:00Z' })]),
    ).toBe(202);
    const patched = await scim(url, 'PATCH', `/Users/${String(created.body.id)}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', value: { active: false } }],
    });
    // RFC 7644 §3.5.2: 200 with the resource, or 204 when the client asked for no attributes.
    expect([200, 204]).toContain(patched.status);

    await waitFor(async () => {
      const now = await users();
      const carol = now.get(email('carol'));
      return now.get(email('bob'))?.disabled === true && now.get(email('alice'))?.disabled === true && carol?.groups.includes('hr-eng') === true && !carol.groups.includes('hr-sales');
    }, { description: 'the mover, the leaver and the IdP deactivation in LastPass' });
    const final = await users();
    expect(final.get(email('carol'))).toMatchObject({ disabled: false });
    expect([...(final.get(email('carol'))?.groups ?? [])].sort()).toEqual(['hr-all', 'hr-eng']);
    expect(final.get(email('bob'))?.groups).toContain('hr-eng');
  });

  it('loses nothing when SIGTERM arrives in the middle of a second run, and a restart finishes it', async () => {
    const first = lpprov;
    if (first === undefined) throw new Error('the first test did not start lpprov');
    const url = first.httpUrl;
    const expected = new Set<string>();
    const viaKafka = Array.from({ length: 30 }, (_, i) => joiner(`k${i}`, i % 2 === 0 ? 'Sales' : 'Engineering'));
    const viaWebhook = Array.from({ length: 30 }, (_, i) => joiner(`w${i}`, 'Sales'));
    for (const e of [...viaKafka, ...viaWebhook]) expected.add((e.data as { worker: { email: { work: string } } }).worker.email.work);

    await produce(viaKafka);
    for (let i = 0; i < viaWebhook.length; i += 5) expect(await postWebhook(url, viaWebhook.slice(i, i + 5))).toBe(202);
    for (let i = 0; i < 10; i++) {
      expect((await scim(url, 'POST', '/Users', scimUser(`s${i}`))).status).toBe(201);
      expected.add(email(`s${i}`));
    }

    // HR keeps sending while lpprov stops: what was acknowledged must survive, what was not is sent again.
    const unacknowledged: Record<string, unknown>[] = [];
    let sending = true;
    const trickle = (async () => {
      for (let i = 0; sending; i++) {
        const event = joiner(`t${i}`, 'Engineering');
        const status = await postWebhook(url, [event]).catch(() => 0);
        if (status === 202) expected.add(email(`t${i}`));
        else {
          unacknowledged.push(event);
          expected.add(email(`t${i}`));
          return;
        }
      }
    })();

    await waitFor(async () => [...(await users()).keys()].filter((u) => expected.has(u)).length >= 8, {
      description: 'the second run to be under way',
    });
    const before = [...(await users()).keys()].filter((u) => expected.has(u)).length;
    expect(before, 'SIGTERM must come while work is still queued').toBeLessThan(expected.size);
    const exit = await first.process.kill('SIGTERM');
    sending = false;
    await trickle;
    expect(exit, first.process.stdout.slice(-2000)).toEqual({ code: 0, signal: null });
    expect(first.process.logLines().some((l) => l.msg === 'stopping')).toBe(true);
    const partial = [...(await users()).keys()].filter((u) => expected.has(u)).length;
    expect(partial, 'lpprov stopped before finishing the run').toBeLessThan(expected.size);

    const released = first.process.logLines().filter((l) => l.msg === 'released unsent commands to the queue while stopping').length;
    console.log(
      `[run-for-real ${engine}] SIGTERM with ${before}/${expected.size} users in LastPass; ${partial} at exit; ` +
        `${released} unsent call(s) released; ${unacknowledged.length} webhook event(s) refused during the stop and sent again`,
    );
    const second = await startLpprovProcess(env);
    lpprov = second;
    await waitFor(() => second.process.stderr.includes('Health'), { description: 'the start banner' });
    expect(second.process.stderr).not.toContain('lpprov_scim_');
    // The generated token survives the restart (its digest is in the database).
    expect((await scim(second.httpUrl, 'GET', '/Users?count=1')).status).toBe(200);
    for (const event of unacknowledged) expect(await postWebhook(second.httpUrl, [event])).toBe(202);

    await waitFor(async () => [...(await users()).keys()].filter((u) => expected.has(u)).length === expected.size, {
      timeoutMs: 60_000,
      description: `all ${expected.size} users of the second run in LastPass`,
    });

    // Everyone exactly once: a graceful stop sends nothing twice.
    const adds = appliedEffects(await simulatorCalls(simulatorUrl)).filter((e) => e.cmd === 'batchadd');
    const counts = new Map<string, number>();
    for (const add of adds) counts.set(add.username, (counts.get(add.username) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    for (const username of expected) expect(counts.get(username), username).toBe(1);

    await waitFor(async () => {
      const [row] = await testDb.db.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM outbox WHERE status <> 'done'`);
      return toNumber(row?.n) === 0;
    }, { description: 'every outbox command done' });

    // Offsets were committed: the consumer group has read the whole topic.
    const admin = kafkaClient('run-for-real-admin').admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      await waitFor(async () => {
        const [committed] = await admin.fetchOffsets({ groupId: env.KAFKA_GROUP_ID ?? '', topics: [topic] });
        return ends.every((end) => committed?.partitions.find((p) => p.partition === end.partition)?.offset === end.high);
      }, { description: 'committed offsets at the end of the topic' });
    } finally {
      await admin.disconnect();
    }
    const exitAgain = await second.process.kill('SIGTERM');
    expect(exitAgain).toEqual({ code: 0, signal: null });
  });
});
