import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { withHeartbeats } from '../../../src/consumers/with-heartbeats.ts';

describe('withHeartbeats', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Work that ends when the test says so. */
  function controlledWork(): { readonly work: () => Promise<string>; readonly finish: () => void } {
    let finish = (): void => undefined;
    const done = new Promise<string>((resolve) => {
      finish = () => resolve('done');
    });
    return { work: () => done, finish };
  }

  it('beats every interval while the work runs, and not after it ended', async () => {
    const heartbeat = vi.fn(() => Promise.resolve());
    const { work, finish } = controlledWork();
    const result = withHeartbeats(heartbeat, 1000, work);
    await vi.advanceTimersByTimeAsync(3500);
    expect(heartbeat).toHaveBeenCalledTimes(3);
    finish();
    expect(await result).toBe('done');
    await vi.advanceTimersByTimeAsync(5000);
    expect(heartbeat).toHaveBeenCalledTimes(3);
  });

  it('stops beating at the first refusal and reports it once, while the work goes on', async () => {
    const refusal = new Error('The group is rebalancing, so a rejoin is needed');
    const heartbeat = vi.fn(() => Promise.reject(refusal));
    const failures: unknown[] = [];
    const { work, finish } = controlledWork();
    const result = withHeartbeats(heartbeat, 1000, work, (error) => failures.push(error));
    await vi.advanceTimersByTimeAsync(5500);
    expect(heartbeat).toHaveBeenCalledTimes(1);
    expect(failures).toEqual([refusal]);
    finish();
    expect(await result).toBe('done');
  });

  it('sends no second beat while one is still unanswered', async () => {
    let answer = (): void => undefined;
    const heartbeat = vi.fn(
      () =>
        new Promise<void>((resolve) => {
          answer = resolve;
        }),
    );
    const { work, finish } = controlledWork();
    const result = withHeartbeats(heartbeat, 1000, work);
    await vi.advanceTimersByTimeAsync(4500);
    expect(heartbeat).toHaveBeenCalledTimes(1);
    answer();
    await vi.advanceTimersByTimeAsync(1000);
    expect(heartbeat).toHaveBeenCalledTimes(2);
    finish();
    await result;
  });

  it('passes the work failure through and stops beating', async () => {
    const heartbeat = vi.fn(() => Promise.resolve());
    const result = withHeartbeats(heartbeat, 1000, () => Promise.reject(new Error('SQLITE_BUSY')));
    await expect(result).rejects.toThrow('SQLITE_BUSY');
    await vi.advanceTimersByTimeAsync(5000);
    expect(heartbeat).not.toHaveBeenCalled();
  });
});
