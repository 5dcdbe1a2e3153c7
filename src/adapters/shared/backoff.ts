/**
 * Reconnect delay: exponential backoff with full jitter, `random() * min(cap, base * 2^attempt)`.
 * Full jitter spreads the reconnects of many nodes after a PBX restart; there is no retry cap.
 * @example backoffDelay(3, 500, 30_000, Math.random) // somewhere in [0, 4000)
 */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
