import { isoTime } from '../outbox/format.ts';
import type { Timeline, TimelineEntry } from './timeline.ts';

/** `lpprov audit --json`: the timeline with every time as ISO 8601 UTC (docs/cli.md, lpprov audit). */
export function timelineJson(timeline: Timeline): unknown {
  return {
    query: timeline.query,
    personIds: timeline.personIds,
    entries: timeline.entries.map(entryJson),
  };
}

function entryJson(entry: TimelineEntry): Record<string, unknown> {
  const at = isoTime(entry.at);
  if (entry.type === 'command') return { ...entry, at, notBefore: isoTime(entry.notBefore) };
  if (entry.type === 'dead_letter') return { ...entry, at, resolvedAt: entry.resolvedAt === null ? null : isoTime(entry.resolvedAt) };
  return { ...entry, at };
}
