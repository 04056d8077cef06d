import { randomBytes } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { kafkaClusterId } from '../../support/kafka-cluster-id.ts';

describe('kafkaClusterId', () => {
  it('draws again when the id would start with "-", which kafka-storage would read as an option', () => {
    // 0xf8 = 0b111110…: base64url digit 62 is "-".
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x41)];
    const id = kafkaClusterId(() => draws.shift() ?? Buffer.alloc(16));
    expect(Buffer.alloc(16, 0xf8).toString('base64url')).toMatch(/^-/);
    expect(id).toBe(Buffer.alloc(16, 0x41).toString('base64url'));
    expect(draws).toEqual([]);
  });

  it('is 16 bytes in base64url, never starting with "-", over many draws', () => {
    for (let i = 0; i < 5_000; i++) {
      const id = kafkaClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
  });

  it('keeps every byte the source gave, so the id is as random as the source', () => {
    const bytes = randomBytes(16);
    bytes[0] = 0x00;
    expect(Buffer.from(kafkaClusterId(() => bytes), 'base64url')).toEqual(bytes);
  });
});
