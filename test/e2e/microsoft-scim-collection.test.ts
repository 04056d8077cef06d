import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.ts';
import { formatReport, MICROSOFT_FOLDERS, requestsInFolders, requireMicrosoftCollection, runMicrosoftCollection } from '../support/scim-newman.ts';
import { type StartedLpprovProcess, startLpprovProcess } from '../support/scim-process.ts';
import { IDP_POLICY, SCIM_TOKEN } from '../support/scim-rig.ts';
import { waitFor } from '../support/wait-for.ts';

const CREDENTIALS = { cid: '8771312', provhash: 'ms-collection-provisioning-hash-91c2' };

/**
 * Waits (at most a minute) until lpprov has sent every command it can, then says what did not go
 * through: dead-lettered commands, and commands held behind them (a person's commands keep their order).
 */
async function settledOutbox(testDb: TestDatabase): Promise<{ byStatus: Record<string, number>; problems: string[] }> {
  const open = async (): Promise<number> => {
    const [row] = await testDb.db.query<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM outbox o WHERE o.status IN ('pending', 'in_flight') AND o.not_before <= $1
         AND NOT EXISTS (SELECT 1 FROM outbox d WHERE d.person_id = o.person_id AND d.status = 'dead')`,
      [Date.now()],
    );
    return Number(row?.n);
  };
  await waitFor(async () => (await open()) === 0, { description: 'lpprov to send the commands it can' }).catch(() => undefined);
  const counts = await testDb.db.query<{ status: string; n: unknown }>('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status ORDER BY status');
  const stuck = await testDb.db.query<{ person_id: string; kind: string; status: string; last_error: string | null }>(
    "SELECT person_id, kind, status, last_error FROM outbox WHERE status IN ('dead', 'pending', 'in_flight') ORDER BY id",
  );
  return {
    byStatus: Object.fromEntries(counts.map((row) => [row.status, Number(row.n)])),
    problems: stuck.map((row) => `${row.status} ${row.kind} of ${row.person_id}${row.last_error === null ? '' : `: ${row.last_error}`}`),
  };
}

/**
 * Microsoft's SCIM reference collection (../shared/conformance), run with newman's Node API
 * against `lpprov start` as a real child process on a fresh database (the collection counts the
 * users it created, so the server must start empty). Every assertion of every request in the
 * folders the conformance README lists must pass.
 */
describe.each(ENGINES)('Microsoft SCIM reference collection on %s', (engine) => {
  let simulator: RunningSimulator;
  let testDb: TestDatabase;
  let lpprov: StartedLpprovProcess;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lpprov-ms-collection-'));
    const policyFile = join(dir, 'policy.yaml');
    writeFileSync(policyFile, IDP_POLICY);
    simulator = await startSimulator({ ...CREDENTIALS, port: 0 });
    testDb = await createTestDatabase(engine);
    lpprov = await startLpprovProcess({
      LASTPASS_URL: simulator.endpoint,
      LASTPASS_CID: CREDENTIALS.cid,
      LASTPASS_PROVHASH: CREDENTIALS.provhash,
      DATABASE_URL: testDb.databaseUrl,
      SCIM_TOKENS: SCIM_TOKEN,
      POLICY_FILE: policyFile,
      PORT: '0',
      LASTPASS_RATE_PER_SECOND: '0',
    });
  });
  afterAll(async () => {
    await lpprov?.process.kill('SIGTERM');
    await simulator?.stop();
    await testDb?.dispose();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it(`passes every assertion of the folders ${MICROSOFT_FOLDERS.join(', ')}`, async () => {
    // A missing collection fails this test with a clear message (a failing beforeAll would only skip it).
    requireMicrosoftCollection();
    const report = await runMicrosoftCollection(`${lpprov.httpUrl}/scim/v2`, SCIM_TOKEN);
    const table = formatReport(report);
    // The per-request table is the useful part of a failure: which request, what it answered.
    if (report.failures.length > 0) console.error(`Microsoft SCIM collection on ${engine}:\n${table}\n\nfailures:\n${report.failures.join('\n')}`);
    else console.info(`Microsoft SCIM collection on ${engine}: ${report.assertions.total} assertions, ${report.requests.length} requests, ${Math.round(report.ms)} ms`);

    expect(report.failures).toEqual([]);
    // Every request of the seven folders ran (a renamed folder would otherwise pass vacuously).
    expect(report.requests).toHaveLength(requestsInFolders());
    expect(report.assertions.total).toBeGreaterThan(0);

    // The collection asserts only SCIM answers; on the LastPass side nothing it did may be left
    // dead or stuck (shared emails, email changes of never-activated users, deletes after them).
    const outbox = await settledOutbox(testDb);
    console.info(`Microsoft SCIM collection on ${engine}, LastPass side: ${JSON.stringify(outbox.byStatus)}`);
    expect(outbox.problems).toEqual([]);
  });
});
