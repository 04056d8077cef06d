/** A table the CLI printed, as its body rows of cells: columns start where the rule's dashes do. */
export function tableRows(stdout: string): string[][] {
  const lines = stdout.split('\n');
  const ruleAt = lines.findIndex((line) => /^-+( +-+)*$/.test(line));
  const starts = [...(lines[ruleAt] ?? '').matchAll(/-+/g)].map((match) => match.index);
  const rows: string[][] = [];
  for (const line of lines.slice(ruleAt + 1)) {
    if (line === '') break;
    rows.push(starts.map((start, i) => line.slice(start, starts[i + 1] ?? line.length).trim()));
  }
  return rows;
}
