/**
 * Runs `work` while sending a heartbeat every `intervalMs`. kafkajs has no background heartbeat
 * thread: it beats between batches and when eachBatch asks. A chunk that takes longer than the
 * session timeout (a slow or locked database, a dead-letter publish that retries) would cost the
 * group membership, and with it the offset commit after the chunk, so the chunk would be read and
 * applied again. Beats stop at the first failure: the group is rebalancing or has dropped this
 * member, and the commit after the chunk reports that to kafkajs, which rejoins.
 */
export async function withHeartbeats<T>(
  heartbeat: () => Promise<void>,
  intervalMs: number,
  work: () => Promise<T>,
  onFailure: (error: unknown) => void = () => undefined,
): Promise<T> {
  let beating = true;
  let inFlight = false;
  const timer = setInterval(() => {
    if (!beating || inFlight) return;
    inFlight = true;
    heartbeat()
      .catch((error: unknown) => {
        beating = false;
        onFailure(error);
      })
      .finally(() => {
        inFlight = false;
      });
  }, intervalMs);
  try {
    return await work();
  } finally {
    beating = false;
    clearInterval(timer);
  }
}
