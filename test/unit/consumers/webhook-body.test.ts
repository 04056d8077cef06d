import { describe, expect, it } from 'vitest';

import { decodeWebhookBody } from '../../../src/consumers/webhook-body.ts';
import { hrEvent } from '../../fixtures/hr-events.ts';

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('decodeWebhookBody', () => {
  it('takes one structured event as a batch of one', () => {
    const event = hrEvent({ id: 'evt-1' });
    const decoded = decodeWebhookBody(json(event), 10);
    expect(decoded.kind).toBe('items');
    if (decoded.kind !== 'items') return;
    expect(decoded.items).toHaveLength(1);
    expect(decoded.items[0]).toMatchObject({ index: 0, id: 'evt-1', source: event.source, input: { kind: 'event' } });
  });

  it('validates each item of an array on its own', () => {
    const decoded = decodeWebhookBody(json([hrEvent({ id: 'a' }), { id: 'b', source: 's', specversion: '0.3' }, 42]), 10);
    if (decoded.kind !== 'items') throw new Error(decoded.kind);
    expect(decoded.items.map((item) => [item.index, item.id, item.input.kind])).toEqual([
      [0, 'a', 'event'],
      [1, 'b', 'invalid'],
      [2, undefined, 'invalid'],
    ]);
    const invalid = decoded.items[1]?.input;
    expect(invalid).toMatchObject({ kind: 'invalid', origin: 'webhook', raw: '{"id":"b","source":"s","specversion":"0.3"}' });
    expect(invalid?.kind === 'invalid' && invalid.reason).toContain('specversion');
  });

  it('refuses a batch above the limit as a whole', () => {
    expect(decodeWebhookBody(json([1, 2, 3]), 2)).toEqual({ kind: 'too_many', count: 3 });
  });

  it('accepts an empty batch', () => {
    expect(decodeWebhookBody(json([]), 2)).toEqual({ kind: 'items', items: [] });
  });

  it.each([
    ['not JSON', Buffer.from('{"specversion": "1.0",')],
    ['empty', Buffer.alloc(0)],
    ['not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
  ])('keeps a body that is %s as one malformed input with the raw text', (_name, body) => {
    const decoded = decodeWebhookBody(body, 10);
    expect(decoded).toMatchObject({
      kind: 'malformed',
      input: { kind: 'invalid', origin: 'webhook', reason: 'the request body is not valid JSON', raw: body.toString('utf8') },
    });
  });

  it('does not echo an oversized id back', () => {
    const decoded = decodeWebhookBody(json({ id: 'x'.repeat(300), source: 'hris://x' }), 10);
    if (decoded.kind !== 'items') throw new Error(decoded.kind);
    expect(decoded.items[0]).toMatchObject({ id: undefined, source: 'hris://x' });
  });
});
