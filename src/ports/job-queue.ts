/** A job waiting for its time. */
export interface ScheduledJob {
  id: string;
  /** What handles it (`callback.attempt`). */
  kind: string;
  dueAt: number;
  payload: Record<string, unknown>;
}

/** A job a node has claimed: only the holder of `lease` may complete it, until `leaseUntil`. */
export interface ClaimedJob extends ScheduledJob {
  lease: string;
  leaseUntil: number;
  /**
   * How many times this job has been claimed (1 on the first delivery; more after a lease ran out).
   * `schedule` starts the count again; `complete` with `next` keeps it (retry backoff grows with it).
   */
  deliveries: number;
}

/**
 * Durable delayed jobs with at-least-once delivery (memory for one node, Redis for several).
 * A claimed job whose holder dies becomes claimable again when its lease runs out; handlers
 * make their side effects idempotent with {@link JobQueue.once}.
 */
export interface JobQueue {
  /** Schedules a job; an existing id is replaced (new due time and payload) unless it is claimed. Returns false when claimed. */
  schedule(job: ScheduledJob): Promise<boolean>;
  /** Removes a job that is not claimed; true when it was removed. */
  cancel(id: string): Promise<boolean>;
  get(id: string): Promise<(ScheduledJob & { claimedBy?: string; leaseUntil?: number }) | undefined>;
  /** Claims up to `limit` jobs due at `now` (and jobs whose lease ran out) for `leaseMs`. */
  claim(request: { now: number; limit: number; leaseMs: number; node: string }): Promise<ClaimedJob[]>;
  /**
   * Extends a lease we still hold; false when it was lost. A lease that ran out still counts as
   * held (for `extend` and `complete`) until another claim takes the job.
   */
  extend(id: string, lease: string, leaseUntil: number): Promise<boolean>;
  /** Finishes a claimed job: removes it, or re-schedules it at `next` (same id) when given. False when the lease was lost. */
  complete(id: string, lease: string, next?: { dueAt: number; payload: Record<string, unknown> }): Promise<boolean>;
  /** Marks `key` as done, once: true for the first caller, false ever after (within `ttlMs`). */
  once(key: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}
