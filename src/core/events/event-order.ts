/**
 * Whether an event is older than what was already applied for the person: by the per-person
 * sequence when both have one, otherwise by the time the change was recorded at the source.
 * Arrival order never counts.
 */
export function isStaleEvent(
  applied: { readonly lastSequence: number | undefined; readonly lastEventTime: number | undefined },
  incoming: { readonly sequence: number | undefined; readonly time: number },
): boolean {
  if (incoming.sequence !== undefined && applied.lastSequence !== undefined) {
    return incoming.sequence <= applied.lastSequence;
  }
  if (applied.lastEventTime !== undefined) return incoming.time < applied.lastEventTime;
  return false;
}
