import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import newman from 'newman';
import type { NewmanRunSummary } from 'newman';

/**
 * Microsoft's SCIM reference collection (AzureAD/SCIMReferenceCode `PostmanCollection.json`),
 * kept unmodified in ../shared/conformance beside the repository (CI always has it there).
 */
export const MICROSOFT_COLLECTION = fileURLToPath(
  new URL('../../../shared/conformance/microsoft-scim-reference.postman_collection.json', import.meta.url),
);

/**
 * The folders the conformance README says to run, in its order. "Get Token" is left out: it calls
 * a development token route of the reference server, and the token is passed as `token` instead.
 */
export const MICROSOFT_FOLDERS = [
  'Endpoint tests',
  'User tests',
  'Group tests',
  'ComplexAttribute tests',
  'User tests with garbage',
  'Group tests with garbage',
  'Teardown garbage',
] as const;

/** One request of the run: what it asked, what came back, which of its assertions failed. */
export interface CollectionRequest {
  readonly folder: string;
  readonly name: string;
  readonly method: string;
  readonly url: string;
  /** HTTP status, or undefined when no response came (connection error). */
  readonly status: number | undefined;
  readonly body: string;
  readonly assertions: number;
  readonly failed: readonly string[];
}

export interface CollectionReport {
  readonly requests: readonly CollectionRequest[];
  /** Every failure newman reported (assertions, request errors, script errors). */
  readonly failures: readonly string[];
  readonly assertions: { readonly total: number; readonly failed: number };
  readonly ms: number;
}

/** Fails with a clear message when ../shared is not beside the repository: never a silent skip. */
export function requireMicrosoftCollection(): string {
  if (!existsSync(MICROSOFT_COLLECTION)) {
    throw new Error(
      `The Microsoft SCIM collection is missing: expected ${MICROSOFT_COLLECTION} (the shared conformance folder beside the repository; see ../shared/conformance/README.md).`,
    );
  }
  return MICROSOFT_COLLECTION;
}

/** How many requests the listed folders hold, read from the collection itself. */
export function requestsInFolders(): number {
  const collection = JSON.parse(readFileSync(requireMicrosoftCollection(), 'utf8')) as { item: { name: string; item?: unknown[] }[] };
  const wanted = new Set<string>(MICROSOFT_FOLDERS);
  return collection.item.filter((folder) => wanted.has(folder.name)).reduce((n, folder) => n + (folder.item?.length ?? 0), 0);
}

/**
 * Runs the collection through newman's Node API against a SCIM root such as
 * http://127.0.0.1:41234/scim/v2, with the variables the collection reads.
 */
export async function runMicrosoftCollection(scimRoot: string, token: string): Promise<CollectionReport> {
  const collection = requireMicrosoftCollection();
  const root = new URL(scimRoot);
  const started = performance.now();
  const summary = await new Promise<NewmanRunSummary>((resolve, reject) => {
    newman.run(
      {
        collection,
        envVar: [
          { key: 'Protocol', value: root.protocol.replace(/:$/, '') },
          { key: 'Server', value: root.hostname },
          { key: 'Port', value: root.port === '' ? '' : `:${root.port}` },
          { key: 'Api', value: root.pathname.replace(/^\/|\/$/g, '') },
          { key: 'token', value: token },
        ],
        folder: [...MICROSOFT_FOLDERS],
        // No reporter output: the test prints its own table when something fails.
        reporters: [],
        timeoutRequest: 10_000,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  return reportOf(summary, performance.now() - started);
}

function reportOf(summary: NewmanRunSummary, ms: number): CollectionReport {
  const requests = summary.run.executions.map((execution): CollectionRequest => {
    const { item, request, response } = execution;
    const assertions = execution.assertions ?? [];
    // The item's parent is its folder (a postman-collection ItemGroup); the types do not say so.
    const parent = (item as unknown as { parent?: () => { name?: string } | undefined }).parent?.();
    return {
      folder: parent?.name ?? '',
      name: item.name,
      method: request.method,
      url: request.url.toString(),
      status: response?.code,
      body: response?.stream?.toString('utf8') ?? '',
      assertions: assertions.length,
      failed: assertions.filter((a) => a.error !== undefined && a.error !== null).map((a) => `${a.assertion}: ${a.error.message}`),
    };
  });
  const failures = summary.run.failures.map((failure) => {
    const name = failure.source?.name ?? '(collection)';
    return `${name} [${failure.at}]: ${failure.error.test ? `${failure.error.test}: ` : ''}${failure.error.message}`;
  });
  const stats = summary.run.stats.assertions;
  return { requests, failures, assertions: { total: stats.total ?? 0, failed: stats.failed ?? 0 }, ms };
}

/** One line per request (pass/fail, status, failed assertions and, when failing, the body). */
export function formatReport(report: CollectionReport): string {
  const lines = report.requests.map((r) => {
    const verdict = r.failed.length === 0 ? 'pass' : 'FAIL';
    const head = `${verdict} ${r.folder} / ${r.name}: ${r.method} ${r.url} → ${r.status ?? 'no response'}`;
    if (r.failed.length === 0) return head;
    const body = r.body.length > 400 ? `${r.body.slice(0, 400)}…` : r.body;
    return `${head}\n       ${r.failed.join('\n       ')}\n       body: ${body}`;
  });
  return `${lines.join('\n')}\n${report.assertions.total - report.assertions.failed}/${report.assertions.total} assertions passed in ${Math.round(report.ms)} ms`;
}
