import { describe, expect, it } from 'vitest';

import { isStaleEvent } from '../../../src/core/events/event-order.ts';
import { parseHrEvent } from '../../../src/core/events/hr-event.ts';
import { hrEvent } from '../../fixtures/hr-events.ts';

describe('parseHrEvent', () => {
  it('accepts every event type of the contract', () => {
    for (const type of ['joined', 'moved', 'left', 'rehired', 'attributes_changed']) {
      expect(parseHrEvent(hrEvent({ type: `io.lpprov.hr.worker.${type}.v1` })).ok).toBe(true);
    }
    const cancelled = hrEvent({ type: 'io.lpprov.hr.worker.change_cancelled.v1', cancelledType: 'io.lpprov.hr.worker.left.v1' });
    expect(parseHrEvent(cancelled).ok).toBe(true);
  });

  it('refuses a change_cancelled that does not say what it cancels', () => {
    const parsed = parseHrEvent(hrEvent({ type: 'io.lpprov.hr.worker.change_cancelled.v1' }));
    expect(parsed.ok ? '' : parsed.reason).toContain('data.cancelled');
  });

  it.each([
    ['not an object', 'hello', 'event'],
    ['unknown type', { ...hrEvent(), type: 'io.lpprov.hr.worker.exploded.v1' }, 'type'],
    ['subject of another person', { ...hrEvent({ personId: 'P-1' }), subject: 'person/P-2' }, 'subject'],
    ['bad time', { ...hrEvent(), time: 'yesterday' }, 'time'],
  ])('refuses %s, naming the field', (_name, value, field) => {
    const parsed = parseHrEvent(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(field);
  });

  it('refuses a worker without a work email', () => {
    const event = hrEvent();
    const data = event.data as { worker: Record<string, unknown> };
    data.worker.email = {};
    const parsed = parseHrEvent(event);
    expect(parsed.ok ? '' : parsed.reason).toContain('data.worker.email.work');
  });
});

describe('isStaleEvent', () => {
  it('orders by sequence when both sides have one, whatever the times say', () => {
    expect(isStaleEvent({ lastSequence: 5, lastEventTime: 1000 }, { sequence: 4, time: 9000 })).toBe(true);
    expect(isStaleEvent({ lastSequence: 5, lastEventTime: 1000 }, { sequence: 5, time: 9000 })).toBe(true);
    expect(isStaleEvent({ lastSequence: 5, lastEventTime: 9000 }, { sequence: 6, time: 1000 })).toBe(false);
  });

  it('falls back to the event time', () => {
    expect(isStaleEvent({ lastSequence: undefined, lastEventTime: 2000 }, { sequence: undefined, time: 1000 })).toBe(true);
    expect(isStaleEvent({ lastSequence: undefined, lastEventTime: 2000 }, { sequence: 3, time: 3000 })).toBe(false);
    expect(isStaleEvent({ lastSequence: undefined, lastEventTime: undefined }, { sequence: undefined, time: 1 })).toBe(false);
  });
});
