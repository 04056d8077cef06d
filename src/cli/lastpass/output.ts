/** Data goes to stdout; everything else (errors, warnings, debug lines) to stderr. */

export function writeOut(text: string): void {
  process.stdout.write(text);
}

/** Indented JSON for a whole answer. */
export function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** One compact JSON object per line, for streams (`events --follow --json`). */
export function writeJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function warn(message: string): void {
  process.stderr.write(`lpprov: ${message}\n`);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
