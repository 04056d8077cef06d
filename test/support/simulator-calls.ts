/** A call as the simulator's call log records it. */
export interface SimCall {
  readonly seq: number;
  readonly time: string;
  readonly cmd: string;
  readonly data: unknown;
  readonly outcome: string;
  readonly fault?: string | null;
}

export async function simulatorCalls(simulatorUrl: string): Promise<SimCall[]> {
  const body = (await (await fetch(`${simulatorUrl}/_simulator/calls`)).json()) as { calls: SimCall[] };
  return body.calls;
}

/** One applied effect per user of each call LastPass carried out (ok or partial answers). */
export interface Effect {
  readonly key: string;
  readonly username: string;
  readonly cmd: string;
  readonly call: SimCall;
}

/** Commands that change LastPass; reads (the gateway's own checks) have no effect to count. */
export const WRITE_COMMANDS: ReadonlySet<string> = new Set([
  'batchadd',
  'updateuser',
  'deluser',
  'disableuser',
  'enableuser',
  'batchchangegrp',
  'reinviteuser',
  'resetpassword',
  'requiremasterpasswordchange',
  'disablemultifactor',
  'updateemail',
]);

export function appliedEffects(calls: readonly SimCall[]): Effect[] {
  const effects: Effect[] = [];
  for (const call of calls) {
    if (!WRITE_COMMANDS.has(call.cmd) || (call.outcome !== 'ok' && call.outcome !== 'partial')) continue;
    const entries = Array.isArray(call.data) ? (call.data as unknown[]) : [call.data];
    for (const entry of entries) {
      const username = usernameOf(entry);
      const detail = call.cmd === 'batchchangegrp' ? JSON.stringify(entry) : '';
      effects.push({ key: `${call.cmd}|${username}|${detail}`, username, cmd: call.cmd, call });
    }
  }
  return effects;
}

/** The user an entry is about: a bare email, `username`, or `oldemail` for updateemail. */
function usernameOf(entry: unknown): string {
  if (typeof entry === 'string') return entry;
  if (typeof entry !== 'object' || entry === null) return '';
  const record = entry as Record<string, unknown>;
  const name = record.username ?? record.oldemail;
  return typeof name === 'string' ? name : '';
}
