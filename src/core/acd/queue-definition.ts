import type { DistributionStrategy } from '../../ports/acd-store.ts';

/**
 * A queue as written in `flows/queues/<name>.yaml` (see docs/queues.md). Durations are strings
 * (`20s`, `10m`) in the file; {@link QueueDefinition} holds them in milliseconds.
 */
export interface QueueFile {
  /** Queue name, `[a-z0-9][a-z0-9-]*`; flows refer to it in `queue` steps. Must match the file name. */
  queue: string;
  description?: string;
  /** Required skills with the minimum proficiency (1–10). Empty: every logged-in agent of the queue. */
  skills?: Record<string, number>;
  strategy?: DistributionStrategy;
  /** How long an offer rings at an agent before it goes to the next one. Default 20s. */
  ringTimeout?: string;
  /** After-call work time before the agent is offered again. Default 10s. */
  wrapUp?: string;
  /** Longest a caller waits here. Default 10m. */
  maxWait?: string;
  /** What happens at `maxWait`. Default `{ action: leave }` (the flow's `timeout` event). */
  whenMaxWait?: { action: 'leave' | 'voicemail' | 'callback' } | { action: 'overflow'; queue: string };
  /** Offers missed in a row before an agent is paused with reason `missed-offers`. Default 3. */
  maxMissedOffers?: number;
  /** Service level: `target` percent answered within `threshold`. Default 80% in 20s. */
  serviceLevel?: { threshold: string; target: number };
  /** Caller priority: higher goes first, ahead of callers already waiting. */
  priority?: {
    /** Priority of every caller unless raised. Default 0. */
    default?: number;
    /** Caller ID numbers (E.164) that get `vipPriority`. */
    vipNumbers?: string[];
    /** Default 10. */
    vipPriority?: number;
    /** A flow variable path (`crm.priority`, `customer.tier`) whose numeric value is the priority when set. */
    fromVariable?: string;
  };
  /** Position and estimated-wait announcements while waiting. */
  announce?: {
    /** Announce at least this often even when nothing changed. Default 60s. */
    every?: string;
    /** First check after joining. Default 15s. */
    first?: string;
    position?: boolean;
    waitTime?: boolean;
  };
  /** Handle time assumed for estimated wait before the queue has history. Default 3m. */
  defaultHandleTime?: string;
  /** Recording policy. Default `none`. */
  recording?: RecordingPolicy;
  /** Business hours: callbacks are placed only while open. */
  hours?: QueueHours;
  /** Automatic callback settings. */
  callback?: { connect?: 'customer-first' | 'agent-first'; slotCapacity?: number; retryEvery?: string; maxAttempts?: number; expireAfter?: string };
}

/** `whole`: the caller from joining the queue, and the conversation; `from-answer`: the conversation; `on-demand`: only through the API. */
export type RecordingPolicy = 'whole' | 'from-answer' | 'on-demand' | 'none';

/** Weekly opening hours in a time zone, with holidays (the `hours` step's format). */
export interface QueueHours {
  timezone: string;
  weekly: Record<string, string | string[]>;
  holidays?: Array<string | { date: string; name?: string }>;
}

/** A validated queue, durations in milliseconds, defaults applied. Frozen. */
export interface QueueDefinition {
  readonly name: string;
  readonly description: string;
  readonly skills: Readonly<Record<string, number>>;
  readonly strategy: DistributionStrategy;
  readonly ringTimeoutMs: number;
  readonly wrapUpMs: number;
  readonly maxWaitMs: number;
  readonly whenMaxWait: { readonly action: 'leave' | 'voicemail' | 'callback' } | { readonly action: 'overflow'; readonly queue: string };
  readonly maxMissedOffers: number;
  readonly serviceLevel: { readonly thresholdMs: number; readonly target: number };
  readonly priority: { readonly default: number; readonly vipNumbers: readonly string[]; readonly vipPriority: number; readonly fromVariable?: string };
  readonly announce: { readonly everyMs: number; readonly firstMs: number; readonly position: boolean; readonly waitTime: boolean };
  readonly defaultHandleTimeMs: number;
  readonly recording: RecordingPolicy;
  /** Unset: always open (callbacks at any time). */
  readonly hours?: Readonly<QueueHours>;
  readonly callback: { readonly connect: 'customer-first' | 'agent-first'; readonly slotCapacity: number; readonly retryEveryMs: number; readonly maxAttempts: number; readonly expireAfterMs: number };
  /** File it came from and its content version (first 12 hex of SHA-256). */
  readonly file: string;
  readonly version: string;
}
