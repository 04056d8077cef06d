import type { ReconcileReport, ReportedFinding } from '../../app/reconcile/reconcile-accounts.ts';
import { FINDING_KINDS } from '../../core/reconcile/findings.ts';
import { plural } from '../lastpass/output.ts';
import { renderTable, type Row } from '../lastpass/table.ts';

const HEADERS = ['FINDING', 'USERNAME', 'PERSON', 'DETAIL', 'FIX'];

/** The findings as a table, then one summary line. */
export function renderReport(report: ReconcileReport): string {
  const summary = `${summaryLine(report)}\n`;
  if (report.findings.length === 0) return summary;
  const rows: Row[] = report.findings.map((f) => [f.kind, f.username, f.personId ?? '-', f.detail, fixCell(f)]);
  return `${renderTable(HEADERS, rows)}\n${summary}`;
}

function fixCell(finding: ReportedFinding): string {
  const fix = finding.fix ?? '';
  switch (finding.outcome) {
    case 'report_only':
      return '-';
    case 'fixable':
      return fix;
    case 'fixed':
      return `done: ${fix}`;
    case 'skipped':
      return `skipped (changed during the run): ${fix}`;
  }
}

export function summaryLine(report: ReconcileReport): string {
  const scope = `${plural(report.people, 'person', 'people')}, ${plural(report.lastpassUsers, 'LastPass user')}`;
  if (report.findings.length === 0) return `no drift (${scope})`;
  const counts = FINDING_KINDS.filter((kind) => report.counts[kind] > 0)
    .map((kind) => `${report.counts[kind]} ${kind}`)
    .join(', ');
  const parts = [`${plural(report.findings.length, 'finding')}: ${counts} (${scope})`];
  if (report.fix) {
    parts.push(`${plural(report.corrected, 'person', 'people')} corrected, ${plural(report.enqueued, 'command')} enqueued`);
    if (report.skipped > 0) parts.push(`${report.skipped} skipped: run again`);
  } else {
    const fixable = report.findings.filter((f) => f.outcome === 'fixable').length;
    if (fixable > 0) parts.push(`lpprov reconcile --fix corrects ${fixable}`);
  }
  if (report.counts.unexpected > 0) parts.push('unexpected users are only reported: removing them is an operator decision');
  return parts.join('; ');
}

/** What `--json` prints: times as ISO 8601, absent values as null. */
export function reportJson(report: ReconcileReport): unknown {
  return {
    runId: report.runId,
    fix: report.fix,
    startedAt: new Date(report.startedAt).toISOString(),
    finishedAt: new Date(report.finishedAt).toISOString(),
    people: report.people,
    lastpassUsers: report.lastpassUsers,
    counts: report.counts,
    drift: report.drift,
    corrected: report.corrected,
    enqueued: report.enqueued,
    skipped: report.skipped,
    findings: report.findings.map((f) => ({
      finding: f.kind,
      username: f.username,
      personId: f.personId ?? null,
      detail: f.detail,
      fix: f.fix ?? null,
      outcome: f.outcome,
    })),
  };
}
