// A strict parser for the Prometheus text exposition format 0.0.4, for tests that must prove
// /metrics is something Prometheus accepts. npm has no maintained parser that keeps histogram
// labels (parse-prometheus-text-format 1.1.1 merges every labelled series of a histogram into one
// and silently drops lines it cannot read), so this one follows the format description and the
// official Go parser (expfmt), is at least as strict as either, and adds checks Prometheus leaves
// to lint (cumulative buckets, +Inf bucket equal to _count, counters not negative).

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  /** The sample's own name (`x_bucket`, `x_sum`, ...). */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly timestampMs?: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly help: string | undefined;
  readonly type: MetricType;
  readonly samples: readonly Sample[];
}

export class PrometheusTextError extends Error {
  override readonly name = 'PrometheusTextError';
  /** 0 for a problem of a whole family (a histogram's buckets). */
  readonly line: number;

  constructor(line: number, message: string) {
    super(line > 0 ? `line ${line}: ${message}` : message);
    this.line = line;
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const METRIC_NAME_PREFIX = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME_PREFIX = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

interface FamilyDraft {
  name: string;
  help: string | undefined;
  type: MetricType | undefined;
  samples: Sample[];
  /** Line of the family's first sample; TYPE after it is an error. */
  firstSampleLine: number | undefined;
}

/** Parses a whole exposition; throws PrometheusTextError at the first problem. */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  if (text.length > 0 && !text.endsWith('\n')) throw new PrometheusTextError(text.split('\n').length, 'the last line must end with a line feed');
  const families = new Map<string, FamilyDraft>();
  const closed = new Set<string>();
  let current: FamilyDraft | undefined;
  const lines = text.split('\n');
  lines.pop();

  const familyNamed = (name: string, lineNo: number): FamilyDraft => {
    if (current?.name === name) return current;
    if (current !== undefined) closed.add(current.name);
    if (closed.has(name)) throw new PrometheusTextError(lineNo, `metric family ${name} appears again after other families`);
    let family = families.get(name);
    if (family === undefined) {
      family = { name, help: undefined, type: undefined, samples: [], firstSampleLine: undefined };
      families.set(name, family);
    }
    current = family;
    return family;
  };

  for (const [index, raw] of lines.entries()) {
    const lineNo = index + 1;
    if (raw.trim() === '') continue;
    if (raw.startsWith('#')) {
      parseCommentLine(raw, lineNo, familyNamed);
      continue;
    }
    const sample = parseSampleLine(raw, lineNo);
    const family = familyNamed(familyNameOf(sample.name, current), lineNo);
    checkSampleName(family, sample, lineNo);
    family.firstSampleLine ??= lineNo;
    if (family.samples.some((s) => s.name === sample.name && sameLabels(s.labels, sample.labels))) {
      throw new PrometheusTextError(lineNo, `duplicate sample ${sample.name}${JSON.stringify(sample.labels)}`);
    }
    family.samples.push(sample);
  }

  const result = new Map<string, MetricFamily>();
  for (const family of families.values()) {
    const done: MetricFamily = { name: family.name, help: family.help, type: family.type ?? 'untyped', samples: family.samples };
    checkFamily(done);
    result.set(family.name, done);
  }
  return result;
}

function parseCommentLine(raw: string, lineNo: number, familyNamed: (name: string, lineNo: number) => FamilyDraft): void {
  const match = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(raw);
  if (match === null) return; // an ordinary comment
  const [, keyword, name = '', rest] = match;
  if (!METRIC_NAME.test(name)) throw new PrometheusTextError(lineNo, `invalid metric name ${JSON.stringify(name)}`);
  const family = familyNamed(name, lineNo);
  if (keyword === 'HELP') {
    if (family.help !== undefined) throw new PrometheusTextError(lineNo, `second HELP line for ${name}`);
    family.help = unescapeHelp(rest ?? '', lineNo);
    return;
  }
  if (family.type !== undefined) throw new PrometheusTextError(lineNo, `second TYPE line for ${name}`);
  if (family.firstSampleLine !== undefined) throw new PrometheusTextError(lineNo, `TYPE line for ${name} after its samples`);
  const type = (rest ?? '').trim();
  if (!TYPES.has(type as MetricType)) throw new PrometheusTextError(lineNo, `unknown metric type ${JSON.stringify(type)}`);
  family.type = type as MetricType;
}

function parseSampleLine(raw: string, lineNo: number): Sample {
  const fail = (why: string): never => {
    throw new PrometheusTextError(lineNo, `${why}: ${raw}`);
  };
  let pos = 0;
  const skipBlanks = (): void => {
    while (raw[pos] === ' ' || raw[pos] === '\t') pos += 1;
  };
  skipBlanks();
  const nameMatch = METRIC_NAME_PREFIX.exec(raw.slice(pos));
  if (nameMatch === null) return fail('invalid metric name');
  const name = nameMatch[0];
  pos += name.length;
  let beforeValue = pos;
  skipBlanks();
  const labels: Record<string, string> = {};
  if (raw[pos] === '{') {
    pos += 1;
    for (;;) {
      skipBlanks();
      if (raw[pos] === '}') {
        pos += 1;
        break;
      }
      const labelMatch = LABEL_NAME_PREFIX.exec(raw.slice(pos));
      if (labelMatch === null) return fail('invalid label name');
      const label = labelMatch[0];
      if (label.startsWith('__')) fail(`reserved label name ${label}`);
      if (Object.hasOwn(labels, label)) fail(`label ${label} given twice`);
      pos += label.length;
      skipBlanks();
      if (raw[pos] !== '=') return fail('expected = after a label name');
      pos += 1;
      skipBlanks();
      if (raw[pos] !== '"') return fail('expected a quoted label value');
      pos += 1;
      let value = '';
      for (;;) {
        const char = raw[pos];
        if (char === undefined) return fail('unterminated label value');
        pos += 1;
        if (char === '"') break;
        if (char === '\\') {
          const next = raw[pos];
          pos += 1;
          if (next === '\\') value += '\\';
          else if (next === '"') value += '"';
          else if (next === 'n') value += '\n';
          else return fail('invalid escape in a label value');
        } else value += char;
      }
      labels[label] = value;
      skipBlanks();
      if (raw[pos] === ',') {
        pos += 1;
        continue;
      }
      if (raw[pos] === '}') {
        pos += 1;
        break;
      }
      return fail('expected , or } after a label value');
    }
    beforeValue = pos;
    skipBlanks();
  }
  if (pos === beforeValue) fail('expected a blank before the value');
  const fields = raw.slice(pos).trimEnd().split(/[ \t]+/);
  if (fields[0] === '' || fields.length > 2) fail('expected a value and at most a timestamp');
  const value = parseValue(fields[0] ?? '');
  if (value === undefined) return fail('invalid sample value');
  const timestamp = fields[1];
  if (timestamp !== undefined && !/^-?\d+$/.test(timestamp)) return fail('invalid timestamp');
  return timestamp === undefined ? { name, labels, value } : { name, labels, value, timestampMs: Number(timestamp) };
}

function parseValue(text: string): number | undefined {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return FLOAT.test(text) ? Number(text) : undefined;
}

function unescapeHelp(text: string, lineNo: number): string {
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = text[i + 1];
    i += 1;
    if (next === '\\') out += '\\';
    else if (next === 'n') out += '\n';
    else throw new PrometheusTextError(lineNo, `invalid escape \\${next ?? ''} in HELP text`);
  }
  return out;
}

/** The family a sample belongs to: the current histogram or summary takes its suffixed samples. */
function familyNameOf(sampleName: string, current: FamilyDraft | undefined): string {
  if (current !== undefined) {
    const suffixes = current.type === 'histogram' ? ['_bucket', '_sum', '_count'] : current.type === 'summary' ? ['_sum', '_count'] : [];
    if (sampleName === current.name || suffixes.some((suffix) => sampleName === `${current.name}${suffix}`)) return current.name;
  }
  return sampleName;
}

function checkSampleName(family: FamilyDraft, sample: Sample, lineNo: number): void {
  const bad = (why: string): never => {
    throw new PrometheusTextError(lineNo, `${sample.name}: ${why}`);
  };
  if (family.type === 'histogram') {
    if (sample.name === family.name) bad('a histogram has only _bucket, _sum and _count samples');
    if (sample.name.endsWith('_bucket') !== Object.hasOwn(sample.labels, 'le')) bad('le belongs on _bucket samples, and only there');
  } else if (Object.hasOwn(sample.labels, 'le') && family.type !== undefined && family.type !== 'untyped') {
    bad(`le is reserved for histogram buckets`);
  }
  if (family.type === 'summary' && sample.name === family.name && !Object.hasOwn(sample.labels, 'quantile')) {
    bad('a summary sample without _sum or _count needs a quantile label');
  }
  if (family.type === 'counter' && !(sample.value >= 0)) bad('a counter cannot be negative or NaN');
}

/** Histogram series: cumulative buckets ending in +Inf, which equals _count; _sum present. */
function checkFamily(family: MetricFamily): void {
  if (family.type !== 'histogram') return;
  const series = new Map<string, { buckets: [number, number][]; count?: number; sum?: number; labels: Record<string, string> }>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)));
    const entry = series.get(key) ?? { buckets: [], labels: rest };
    series.set(key, entry);
    if (sample.name.endsWith('_bucket')) {
      const bound = parseValue(le ?? '');
      if (bound === undefined || Number.isNaN(bound)) throw new PrometheusTextError(0, `${family.name}: invalid le ${JSON.stringify(le)}`);
      entry.buckets.push([bound, sample.value]);
    } else if (sample.name.endsWith('_count')) entry.count = sample.value;
    else entry.sum = sample.value;
  }
  for (const { buckets, count, sum, labels } of series.values()) {
    const where = `${family.name}${JSON.stringify(labels)}`;
    const sorted = [...buckets].sort(([a], [b]) => a - b);
    const last = sorted.at(-1);
    if (last === undefined || last[0] !== Number.POSITIVE_INFINITY) throw new PrometheusTextError(0, `${where}: no le="+Inf" bucket`);
    for (let i = 1; i < sorted.length; i += 1) {
      if ((sorted[i]?.[1] ?? 0) < (sorted[i - 1]?.[1] ?? 0)) throw new PrometheusTextError(0, `${where}: buckets are not cumulative`);
    }
    if (count === undefined || sum === undefined) throw new PrometheusTextError(0, `${where}: _count or _sum missing`);
    if (count !== last[1]) throw new PrometheusTextError(0, `${where}: _count ${count} differs from the +Inf bucket ${last[1]}`);
  }
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}

/** The family, or an error naming what is there. */
export function familyOf(families: ReadonlyMap<string, MetricFamily>, name: string): MetricFamily {
  const family = families.get(name);
  if (family === undefined) throw new Error(`no metric family ${name} (have: ${[...families.keys()].join(', ')})`);
  return family;
}

/** Samples named `sampleName` whose labels include every one of `labels`. */
export function samplesOf(
  families: ReadonlyMap<string, MetricFamily>,
  sampleName: string,
  labels: Readonly<Record<string, string>> = {},
): Sample[] {
  return [...families.values()]
    .flatMap((family) => family.samples)
    .filter((sample) => sample.name === sampleName && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
}

/** The one sample with exactly these labels, or undefined. */
export function valueOf(
  families: ReadonlyMap<string, MetricFamily>,
  sampleName: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  return samplesOf(families, sampleName, labels).find((sample) => sameLabels(sample.labels, labels))?.value;
}
