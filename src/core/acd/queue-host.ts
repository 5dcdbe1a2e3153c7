/**
 * What a call session needs from the ACD: the effects of a `queue` step. The ACD service
 * implements it; the session's effect runner calls it and turns results into flow events.
 */
export interface QueueHost {
  /**
   * Puts the call in line (idempotent: a resumed call keeps its place). `priority` overrides
   * the queue's own rules (VIP numbers, `fromVariable`) when set.
   * @throws `HOTLINE_ERR_NOT_FOUND` for an unknown queue, `HOTLINE_ERR_STORE` when the store is down.
   */
  join(request: { callId: string; queue: string; from: string; priority?: number; vars: Record<string, unknown> }): Promise<void>;
  /** Takes the call out of the ACD (withdrawing offers, ending the agent's leg); idempotent. */
  leave(callId: string, reason: 'abandoned' | 'completed' | 'timeout' | 'left'): Promise<void>;
  /** Place in line and estimated wait, with what the queue wants announced. */
  status(callId: string): Promise<{ position: number; ewtMinutes: number; everyMs: number; sayPosition: boolean; sayWait: boolean }>;
  /** Bridges the caller to the agent who answered. */
  connect(callId: string): Promise<void>;
}
