/** What the main thread asks the load worker to do, and what it answers (structured-clone safe). */

export type Scenario =
  /** The baseline: a bare express JSON route. */
  | { readonly kind: 'ping'; readonly origin: string; readonly path: string }
  /** Okta's and Entra's lookup: `GET /Users?filter=userName eq "…"` for a random existing user. */
  | { readonly kind: 'get-filter'; readonly origin: string; readonly path: string; readonly token: string; readonly userNames: readonly string[] }
  /** A new user per request (unique userNames). */
  | { readonly kind: 'post'; readonly origin: string; readonly path: string; readonly token: string; readonly prefix: string }
  /** `replace name.givenName` on existing users; each client owns its own users, so no two writes meet. */
  | { readonly kind: 'patch'; readonly origin: string; readonly path: string; readonly token: string; readonly userIds: readonly string[] };

export type ScenarioKind = Scenario['kind'];

export interface LoadRequest {
  readonly scenario: Scenario;
  readonly clients: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly seed: number;
}

export interface LoadResult {
  /** Requests that completed inside the measured window (after the warm-up, before the end). */
  readonly measured: number;
  readonly measuredMs: number;
  /** Latency of each measured request, in ms, sorted. */
  readonly latenciesMs: readonly number[];
  /** Every request sent (warm-up and stragglers included), by HTTP status. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Every request sent whose answer was right (status and body checks). */
  readonly right: number;
  /** Every request sent. */
  readonly sent: number;
  /** The first few wrong answers, described. */
  readonly wrong: readonly string[];
  /** Transport errors (no answer at all). */
  readonly errors: number;
  /** Distinct resources a write scenario changed with a right answer (0 for reads). */
  readonly touched: number;
}
