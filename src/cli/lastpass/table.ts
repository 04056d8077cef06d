/** Plain-text tables for a terminal: left-aligned columns two spaces apart, no trailing blanks. */

export type Row = readonly string[];

const GAP = '  ';

/**
 * LastPass data (event texts, names) may hold newlines or terminal escape sequences; a cell shows
 * them as spaces so that one row stays one line and nothing reaches the terminal as a command.
 */
export function cleanCell(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

export function columnWidths(headers: Row, rows: readonly Row[]): number[] {
  return headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => cleanCell(row[column] ?? '').length)),
  );
}

/** One row padded to `widths`; a longer cell pushes the rest right instead of being cut. */
export function formatRow(row: Row, widths: readonly number[]): string {
  return widths
    .map((width, column) => cleanCell(row[column] ?? '').padEnd(width))
    .join(GAP)
    .trimEnd();
}

/** Header, a rule, and the rows, each line ending in a newline. */
export function renderTable(headers: Row, rows: readonly Row[]): string {
  const widths = columnWidths(headers, rows);
  const rule = widths.map((width) => '-'.repeat(width));
  return [headers, rule, ...rows].map((row) => `${formatRow(row, widths)}\n`).join('');
}
