import { describe, expect, it } from 'vitest';

import { correlationIdFromHeaders } from '../../../src/app/correlation-id.ts';
import { decodeWebhookBody } from '../../../src/consumers/webhook-body.ts';
import { hrEvent } from '../../fixtures/hr-events.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('correlationIdFromHeaders', () => {
  it("takes the caller's id when it is a sane token, X-Correlation-Id before X-Request-Id", () => {
    expect(correlationIdFromHeaders({ 'x-request-id': 'req-1' })).toBe('req-1');
    expect(correlationIdFromHeaders({ 'x-correlation-id': 'corr.A_b:9-z', 'x-request-id': 'req-1' })).toBe('corr.A_b:9-z');
    expect(correlationIdFromHeaders({ 'x-request-id': 'r'.repeat(128) })).toBe('r'.repeat(128));
  });

  it.each([
    ['too long', 'r'.repeat(129)],
    ['empty', ''],
    ['a space', 'req 1'],
    ['a newline (log forging)', 'req-1\n{"level":"fatal"}'],
    ['a quote', 'req"1'],
    ['sent twice (joined by node)', 'req-1, req-2'],
  ])('makes a new UUID when the header holds %s', (_label, value) => {
    const id = correlationIdFromHeaders({ 'x-request-id': value });
    expect(id).toMatch(UUID);
  });

  it('falls back to the next header, and to a new UUID each time when none is usable', () => {
    expect(correlationIdFromHeaders({ 'x-correlation-id': 'bad value', 'x-request-id': 'req-2' })).toBe('req-2');
    expect(correlationIdFromHeaders({ 'x-request-id': ['a', 'b'] })).toMatch(UUID);
    const first = correlationIdFromHeaders({});
    expect(first).toMatch(UUID);
    expect(correlationIdFromHeaders({})).not.toBe(first);
  });
});

describe('webhook correlation ids', () => {
  const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
  const ids = (body: Buffer): (string | undefined)[] => {
    const decoded = decodeWebhookBody(body, 10, 'req-7');
    if (decoded.kind !== 'items') throw new Error(decoded.kind);
    return decoded.items.map((item) => (item.input.kind === 'event' ? item.input.correlationId : 'invalid'));
  };

  it("gives a single event the request's id", () => {
    expect(ids(json(hrEvent()))).toEqual(['req-7']);
  });

  it('gives each event of a batch its own id, derived from the request id and its index', () => {
    expect(ids(json([hrEvent(), { not: 'an event' }, hrEvent()]))).toEqual(['req-7:0', 'invalid', 'req-7:2']);
    expect(ids(json([hrEvent()]))).toEqual(['req-7:0']);
  });

  it('leaves events without one when the caller gives none', () => {
    const decoded = decodeWebhookBody(json(hrEvent()), 10);
    expect(decoded.kind === 'items' && decoded.items[0]?.input).not.toHaveProperty('correlationId');
  });
});
