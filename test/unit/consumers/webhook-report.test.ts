import { describe, expect, it } from 'vitest';

import type { HrInput } from '../../../src/app/hr-input.ts';
import type { WebhookItem } from '../../../src/consumers/webhook-body.ts';
import { webhookReport } from '../../../src/consumers/webhook-report.ts';
import { parseHrEvent } from '../../../src/core/events/hr-event.ts';
import { hrEvent } from '../../fixtures/hr-events.ts';

function eventItem(index: number, id: string): WebhookItem {
  const parsed = parseHrEvent(hrEvent({ id }));
  if (!parsed.ok) throw new Error(parsed.reason);
  return { index, id, source: parsed.event.source, input: { kind: 'event', event: parsed.event } };
}

function invalidItem(index: number, reason: string): WebhookItem {
  const input: HrInput = { kind: 'invalid', origin: 'webhook', reason, raw: '{}' };
  return { index, id: undefined, source: undefined, input };
}

describe('webhookReport', () => {
  it('answers 202 with each result when every item was valid', () => {
    const items = [eventItem(0, 'a'), eventItem(1, 'b'), eventItem(2, 'c')];
    const report = webhookReport(items, ['applied', 'duplicate', 'stale']);
    expect(report.status).toBe(202);
    expect(report.body).toEqual({
      accepted: 3,
      rejected: 0,
      results: [
        { index: 0, id: 'a', source: 'hris://workday/acme-test', result: 'applied' },
        { index: 1, id: 'b', source: 'hris://workday/acme-test', result: 'duplicate' },
        { index: 2, id: 'c', source: 'hris://workday/acme-test', result: 'stale' },
      ],
    });
  });

  it('answers 400 with reasons when any item was invalid, and still reports the valid ones', () => {
    const report = webhookReport([eventItem(0, 'a'), invalidItem(1, 'type: bad')], ['applied', 'dead_lettered']);
    expect(report.status).toBe(400);
    expect(report.body).toEqual({
      accepted: 1,
      rejected: 1,
      results: [
        { index: 0, id: 'a', source: 'hris://workday/acme-test', result: 'applied' },
        { index: 1, error: 'type: bad' },
      ],
    });
  });

  it('counts a valid event the use case did not take as rejected', () => {
    const report = webhookReport([eventItem(0, 'a')], ['dead_lettered']);
    expect(report.status).toBe(400);
    expect(report.body.results[0]?.error).toContain('dead_lettered');
  });
});
