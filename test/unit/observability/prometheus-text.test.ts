import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';

import { parsePrometheusText, PrometheusTextError, samplesOf, valueOf } from '../../support/prometheus-text.ts';

/** The test parser must accept what Prometheus accepts and refuse what it refuses, or metric tests prove nothing. */
describe('parsePrometheusText', () => {
  it('reads prom-client output, labelled histograms and escapes included', async () => {
    const registry = new Registry();
    const histogram = new Histogram({ name: 'h_seconds', help: 'a "histogram"\\ with\nlines', labelNames: ['cmd'], buckets: [0.1, 1], registers: [registry] });
    histogram.observe({ cmd: 'batchadd' }, 0.05);
    histogram.observe({ cmd: 'batchadd' }, 0.5);
    histogram.observe({ cmd: 'getuserdata' }, 3);
    new Counter({ name: 'c_total', help: 'c', labelNames: ['why'], registers: [registry] }).inc({ why: 'quote " back \\ newline \n' }, 2);
    new Gauge({ name: 'g', help: 'g', registers: [registry] }).set(-1.5);

    const families = parsePrometheusText(await registry.metrics());

    expect(families.get('h_seconds')?.type).toBe('histogram');
    expect(families.get('h_seconds')?.help).toBe('a "histogram"\\ with\nlines');
    expect(valueOf(families, 'h_seconds_bucket', { cmd: 'batchadd', le: '0.1' })).toBe(1);
    expect(valueOf(families, 'h_seconds_bucket', { cmd: 'batchadd', le: '+Inf' })).toBe(2);
    expect(valueOf(families, 'h_seconds_count', { cmd: 'getuserdata' })).toBe(1);
    expect(valueOf(families, 'h_seconds_sum', { cmd: 'batchadd' })).toBeCloseTo(0.55);
    expect(samplesOf(families, 'h_seconds_bucket', { cmd: 'getuserdata' })).toHaveLength(3);
    expect(valueOf(families, 'c_total', { why: 'quote " back \\ newline \n' })).toBe(2);
    expect(valueOf(families, 'g')).toBe(-1.5);
  });

  it('reads the format description example', () => {
    const text = [
      '# HELP http_requests_total The total number of HTTP requests.',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="post",code="200"} 1027 1395066363000',
      'http_requests_total{method="post",code="400"}    3 1395066363000',
      '',
      '# Escaping in label values:',
      'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
      'metric_without_timestamp_and_labels 12.47',
      'something_weird{problem="division by zero"} +Inf -3982045',
      '# TYPE rpc_duration_seconds summary',
      'rpc_duration_seconds{quantile="0.5"} 4773',
      'rpc_duration_seconds_sum 1.7560473e+07',
      'rpc_duration_seconds_count 2693',
      '',
    ].join('\n');
    const families = parsePrometheusText(text);
    expect(valueOf(families, 'http_requests_total', { method: 'post', code: '400' })).toBe(3);
    expect(samplesOf(families, 'msdos_file_access_time_seconds')[0]?.labels['error']).toBe('Cannot find file:\n"FILE.TXT"');
    expect(valueOf(families, 'something_weird', { problem: 'division by zero' })).toBe(Number.POSITIVE_INFINITY);
    expect(families.get('rpc_duration_seconds')?.samples).toHaveLength(3);
  });

  const invalid: [string, string][] = [
    ['no final line feed', 'a 1'],
    ['unterminated labels', 'a{b="c" 1\n'],
    ['unquoted label value', 'a{b=c} 1\n'],
    ['value that is not a number', 'a one\n'],
    ['no value', 'a{b="c"}\n'],
    ['text after the timestamp', 'a 1 2 3\n'],
    ['bad escape in a label value', 'a{b="\\t"} 1\n'],
    ['reserved label name', 'a{__name__="x"} 1\n'],
    ['label given twice', 'a{b="1",b="2"} 1\n'],
    ['duplicate sample', 'a{b="1"} 1\na{b="1"} 2\n'],
    ['unknown type', '# TYPE a counterish\na 1\n'],
    ['TYPE after samples', 'a 1\n# TYPE a gauge\n'],
    ['second HELP', '# HELP a x\n# HELP a y\na 1\n'],
    ['family split in two', '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x="y"} 2\n'],
    ['negative counter', '# TYPE a_total counter\na_total -1\n'],
    ['histogram without +Inf', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    ['histogram count differing from +Inf', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 1\n'],
    ['histogram buckets not cumulative', '# TYPE h histogram\nh_bucket{le="1"} 3\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 2\n'],
    ['histogram sample without suffix', '# TYPE h histogram\nh 1\n'],
  ];
  it.each(invalid)('refuses %s', (_why, text) => {
    expect(() => parsePrometheusText(text)).toThrow(PrometheusTextError);
  });
});
