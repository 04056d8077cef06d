/**
 * The stored canonical event in one line for people: email, name, department, status, when.
 * Read defensively (it is JSON from the database, and may predate today's event schema);
 * undefined when there is nothing to show (inputs recorded before migration 0007).
 */
export function describeEvent(event: unknown): string | undefined {
  const worker = at(event, 'data', 'worker');
  if (worker === undefined) return undefined;
  const name = [text(at(worker, 'name', 'given')), text(at(worker, 'name', 'family'))].filter((part) => part !== undefined).join(' ');
  const effective = text(at(event, 'data', 'effective_at'));
  const parts = [
    text(at(worker, 'email', 'work')),
    name === '' ? undefined : name,
    text(at(worker, 'org', 'department')),
    text(at(worker, 'employment_status')),
    effective === undefined ? undefined : `effective ${effective}`,
  ];
  const shown = parts.filter((part) => part !== undefined);
  return shown.length === 0 ? undefined : shown.join(', ');
}

function at(value: unknown, ...path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
