/**
 * The load generator, in a worker thread so that the clients and the server under test do not
 * share an event loop (on 2 cores the server keeps the main thread to itself). N clients each
 * keep one request in flight on a keep-alive connection of one undici Pool, for a warm-up and
 * then a measured window; every answer is checked.
 */
import { parentPort, workerData } from 'node:worker_threads';

import { Pool } from 'undici';

import type { LoadRequest, LoadResult, Scenario } from './load-spec.ts';

interface Outgoing {
  readonly method: 'GET' | 'POST' | 'PATCH';
  readonly path: string;
  readonly body?: string;
  /** The resource a write changes (PATCH), to count how many distinct ones were changed. */
  readonly target?: string;
  /** Why the answer is wrong, or undefined when it is right. */
  readonly check: (status: number, text: string) => string | undefined;
}

/** A small seeded generator (mulberry32), so runs pick the same users. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const expectStatus =
  (...wanted: number[]) =>
  (status: number, text: string): string | undefined =>
    wanted.includes(status) ? undefined : `status ${status}: ${text.slice(0, 200)}`;

/** The request generator of one client. */
function clientRequests(scenario: Scenario, client: number, clients: number, seed: number): () => Outgoing {
  const next = random(seed * 1_000 + client);
  let n = 0;
  switch (scenario.kind) {
    case 'ping':
      return () => ({
        method: 'GET',
        path: scenario.path,
        check: (status, text) => (status === 200 && text === '{"ok":true}' ? undefined : `status ${status}: ${text.slice(0, 200)}`),
      });
    case 'get-filter':
      return () => {
        const userName = scenario.userNames[Math.floor(next() * scenario.userNames.length)] ?? '';
        const filter = encodeURIComponent(`userName eq "${userName}"`);
        return {
          method: 'GET',
          path: `${scenario.path}?filter=${filter}`,
          check: (status, text) => {
            if (status !== 200) return `status ${status}: ${text.slice(0, 200)}`;
            const body = JSON.parse(text) as { totalResults?: unknown; Resources?: { userName?: unknown }[] };
            const found = body.Resources?.[0]?.userName;
            return body.totalResults === 1 && typeof found === 'string' && found.toLowerCase() === userName.toLowerCase()
              ? undefined
              : `filter ${userName}: ${text.slice(0, 200)}`;
          },
        };
      };
    case 'post':
      return () => {
        n += 1;
        const userName = `${scenario.prefix}-c${client}-${n}@bench.example`;
        return {
          method: 'POST',
          path: scenario.path,
          body: JSON.stringify({
            schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
            userName,
            name: { givenName: 'Post', familyName: `Bench${n}` },
            emails: [{ primary: true, type: 'work', value: userName }],
            active: true,
          }),
          check: expectStatus(201),
        };
      };
    case 'patch': {
      // Client c owns users c, c + clients, c + 2·clients…: a user is never written by two clients at once.
      const own = scenario.userIds.filter((_, index) => index % clients === client);
      return () => {
        n += 1;
        const id = own[n % Math.max(1, own.length)] ?? '';
        return {
          method: 'PATCH',
          path: `${scenario.path}/${id}`,
          target: id,
          body: JSON.stringify({
            schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
            Operations: [{ op: 'replace', path: 'name.givenName', value: `Given${client}x${n}` }],
          }),
          check: expectStatus(200, 204),
        };
      };
    }
  }
}

async function run(request: LoadRequest): Promise<LoadResult> {
  const { scenario, clients, warmupMs, durationMs, seed } = request;
  const pool = new Pool(scenario.origin, { connections: clients, pipelining: 1, keepAliveTimeout: 60_000 });
  const headers: Record<string, string> = { accept: 'application/scim+json' };
  if (scenario.kind !== 'ping') {
    headers.authorization = `Bearer ${scenario.token}`;
    headers['content-type'] = 'application/scim+json';
  }
  const started = performance.now();
  const measureFrom = started + warmupMs;
  const stopAt = measureFrom + durationMs;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const wrong: string[] = [];
  let right = 0;
  let sent = 0;
  let errors = 0;
  const touched = new Set<string>();

  const client = async (index: number): Promise<void> => {
    const nextRequest = clientRequests(scenario, index, clients, seed);
    while (performance.now() < stopAt) {
      const outgoing = nextRequest();
      const t0 = performance.now();
      sent += 1;
      try {
        const response = await pool.request({
          origin: scenario.origin,
          method: outgoing.method,
          path: outgoing.path,
          headers,
          ...(outgoing.body === undefined ? {} : { body: outgoing.body }),
        });
        const text = await response.body.text();
        const t1 = performance.now();
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
        const problem = outgoing.check(response.statusCode, text);
        if (problem === undefined) {
          right += 1;
          if (outgoing.target !== undefined) touched.add(outgoing.target);
        }
        else if (wrong.length < 5) wrong.push(`${outgoing.method} ${outgoing.path}: ${problem}`);
        // Throughput counts what completed inside the window; a request that began in the warm-up
        // and ended inside it is steady-state traffic too.
        if (t1 >= measureFrom && t1 <= stopAt) latencies.push(t1 - t0);
      } catch (error) {
        errors += 1;
        if (wrong.length < 5) wrong.push(`${outgoing.method} ${outgoing.path}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, index) => client(index)));
  await pool.close();
  latencies.sort((a, b) => a - b);
  return { measured: latencies.length, measuredMs: durationMs, latenciesMs: latencies, statuses, right, sent, wrong, errors, touched: touched.size };
}

run(workerData as LoadRequest).then(
  (result) => parentPort?.postMessage({ ok: true, result }),
  (error: unknown) => parentPort?.postMessage({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
);
