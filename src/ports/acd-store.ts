/**
 * The ACD store port: where queue and agent state lives so that several Hotline nodes share it.
 * Every method that changes state is atomic (Redis: one Lua script; memory: one synchronous
 * step), so two nodes can never offer one agent two calls, nor one caller to two agents.
 *
 * Times are epoch milliseconds on the ACD clock, passed in by the caller (`now`), so the store
 * itself never reads a clock and tests drive time.
 *
 * Offers are *mailed*: a routing decision writes each offer to the inbox of the node that owns
 * the caller (`takeOffers(node)`), whichever node made the decision. That node rings the agent.
 */

/** How a queue picks among available agents. */
export type DistributionStrategy = 'longest-idle' | 'round-robin' | 'fewest-calls' | 'ring-all' | 'best-skill-match';

/** Agent states. `offered` = an offer rings at the agent's endpoint. */
export type AgentState = 'available' | 'offered' | 'on-call' | 'wrap-up' | 'paused' | 'logged-out';

/** What the store needs to know of a queue to route it (the rest of a queue file stays in the core). */
export interface QueueRouting {
  name: string;
  strategy: DistributionStrategy;
  /** Required skills with the minimum proficiency (1–10) an agent needs in each. */
  skills: Record<string, number>;
  /** How long an offer rings before it counts as missed. */
  ringTimeoutMs: number;
  /** Service-level threshold: answered within this long counts as "in service level". */
  serviceLevelMs: number;
}

/** One agent as stored. */
export interface AgentRecord {
  id: string;
  state: AgentState;
  /** Why the agent is paused (`break`, `missed-offers`, …); absent otherwise. */
  reason?: string;
  /** PBX endpoint or number the agent is reached at (`sim:alice`, `PJSIP/201`, `user/1001`). */
  endpoint: string;
  /** Skill → proficiency 1–10. */
  skills: Record<string, number>;
  /** Queues the agent asked for at login; `null` = every queue whose skills they meet. */
  requestedQueues: string[] | null;
  /** Queues the agent serves now: requested (or all) ∩ skills meet the queue's minimum. */
  queues: string[];
  loggedInAt: number;
  /** When the current state began. */
  stateSince: number;
  /** When the agent last became available (longest-idle orders by it). */
  idleSince: number;
  /** The offer ringing at, or the call connected to, the agent. */
  offerId?: string;
  callId?: string;
  /** When wrap-up ends (state `wrap-up`). */
  wrapUntil?: number;
  /** Offers missed in a row; reset by an answer. */
  missedInRow: number;
  figures: AgentFigures;
}

/** Cumulative per-agent figures since login. */
export interface AgentFigures {
  offered: number;
  answered: number;
  missed: number;
  /** Milliseconds spent in each state (closed intervals only; the current one is added on read). */
  availableMs: number;
  onCallMs: number;
  wrapUpMs: number;
  pausedMs: number;
  offeredMs: number;
}

/** A caller waiting (or being offered, or talking) in a queue. */
export interface QueuedCaller {
  callId: string;
  queue: string;
  /** Higher first; equal priorities in order of `enqueuedAt`. */
  priority: number;
  /** When the caller first entered the ACD; kept across overflow to another queue and across restarts. */
  enqueuedAt: number;
  /** Node that owns the call's session (where offers are mailed). */
  node: string;
  state: 'waiting' | 'offered' | 'connected';
  offerId?: string;
  /** Agents being offered this caller (several under `ring-all`), or the one connected. */
  agentIds: string[];
  /** Free data for the core (e.g. `{ "virtual": true }` for a callback keeping its place). */
  data?: Record<string, string>;
}

/** An offer of a caller to one agent (or several under `ring-all`); the first answer wins. */
export interface Offer {
  offerId: string;
  callId: string;
  queue: string;
  agentIds: string[];
  /** Endpoints of `agentIds`, same order. */
  endpoints: string[];
  node: string;
  at: number;
  /** After this the offer is expired by any node's sweep (the owner node died while it rang). */
  expiresAt: number;
}

/** Per-queue figures, cumulative since the counters were created (or reset). */
export interface QueueCounters {
  /** Callers that entered the queue. */
  entered: number;
  answered: number;
  abandoned: number;
  /** Answered within the service-level threshold. */
  answeredInSl: number;
  /** Abandoned before the threshold (excluded from service level). */
  abandonedInSl: number;
  /** Left the queue another way (timeout, overflow out, key breakout). */
  left: number;
  /** Sum of waits of answered callers (average speed of answer). */
  answerWaitMsSum: number;
  /** Talk time of completed calls, and how many. */
  handleMsSum: number;
  handled: number;
  wrapUpMsSum: number;
  wrapUps: number;
  /** Handle times of the last calls, newest first (for estimated wait time). */
  recentHandleMs: number[];
}

/** A queue's live state. */
export interface QueueSnapshot {
  name: string;
  /** Waiting and offered callers in order (first = next to be offered). */
  callers: QueuedCaller[];
  /** Agents serving the queue, by state. */
  agents: Record<AgentState, number>;
  counters: QueueCounters;
}

/** How a caller left the ACD. */
export type LeaveReason = 'abandoned' | 'completed' | 'timeout' | 'left' | 'overflow';

/** Result of {@link AcdStore.leave}. */
export interface LeaveResult {
  /** The caller's entry as it was, or undefined when it was not queued. */
  caller?: QueuedCaller;
  /** Agents whose offer was withdrawn (back to available) or whose call ended (now in wrap-up). */
  releasedAgents: string[];
}

/** Result of {@link AcdStore.offerFailed}. */
export interface OfferFailedResult {
  /** The agent's state after the miss (`available`, or `paused` with reason `missed-offers`). */
  agent?: AgentRecord;
  /** The caller went back to waiting at their original place (no agent left ringing). */
  callerRequeued: boolean;
}

/** Login request. */
export interface AgentLogin {
  id: string;
  endpoint: string;
  skills: Record<string, number>;
  queues: string[] | null;
}

/** The ACD store. Redis when `REDIS_URL` is set, memory otherwise. */
export interface AcdStore {
  /**
   * Replaces the queues known for routing (boot and every queue-file reload) and recomputes
   * which agents serve which queue. Callers of a queue that disappeared stay where they are.
   */
  setQueues(queues: readonly QueueRouting[]): Promise<void>;

  // agents ------------------------------------------------------------------------------------
  /** Logs an agent in (state `available`), or updates endpoint/skills/queues of a logged-in one. */
  login(agent: AgentLogin, now: number): Promise<AgentRecord>;
  /**
   * Logs out. Rejects with `HOTLINE_ERR_ILLEGAL_STATE` while offered or on a call (finish the
   * call first); `HOTLINE_ERR_NOT_FOUND` for an unknown agent.
   */
  logout(agentId: string, now: number): Promise<AgentRecord>;
  /**
   * `available` or `paused` (with a reason). Legal from available, paused and wrap-up (ends
   * wrap-up early); `HOTLINE_ERR_ILLEGAL_STATE` otherwise (logged out included); `HOTLINE_ERR_NOT_FOUND` if unknown.
   */
  setAgentState(agentId: string, state: 'available' | 'paused', reason: string | undefined, now: number): Promise<AgentRecord>;
  getAgent(agentId: string): Promise<AgentRecord | undefined>;
  /** Every agent known (logged-out ones included, until {@link AcdStore.forgetAgent}). */
  listAgents(): Promise<AgentRecord[]>;

  // callers -----------------------------------------------------------------------------------
  /**
   * Puts a caller in line. Idempotent by `callId`: a caller already queued keeps their
   * `enqueuedAt` and place (a resumed session joining again), only `node` is updated.
   * `enqueuedAt` defaults to `now` (a callback re-entering passes its original time).
   */
  enqueue(
    caller: { callId: string; queue: string; priority: number; node: string; enqueuedAt?: number; data?: Record<string, string> },
    now: number,
  ): Promise<QueuedCaller>;
  /** Raises or lowers a waiting caller's priority; their place moves accordingly. */
  setPriority(callId: string, priority: number): Promise<QueuedCaller | undefined>;
  /**
   * Moves a waiting caller to another queue (overflow), keeping priority and `enqueuedAt`.
   * Counted as `left` in the old queue and `entered` in the new one.
   */
  moveCaller(callId: string, queue: string, now: number): Promise<QueuedCaller | undefined>;
  /**
   * Takes a caller out of the ACD. A ringing offer is withdrawn (agents back to `available`,
   * not counted as missed); a connected call ends (agent to `wrap-up` for `wrapUpMs`).
   * Counters: `abandoned` when it was waiting/offered and reason is `abandoned`, handle time
   * when it was connected. Idempotent (unknown caller → empty result).
   */
  leave(callId: string, reason: LeaveReason, now: number, wrapUpMs: number): Promise<LeaveResult>;
  getCaller(callId: string): Promise<QueuedCaller | undefined>;
  /**
   * Gives a queued caller (waiting or offered) a new call id and node, keeping their place,
   * priority and any ringing offer (whose `callId` and `node` follow): a kept place becoming a
   * callback entry, and the callback's own call taking it back. Counters are not touched.
   * Undefined for an unknown caller; `HOTLINE_ERR_CONFLICT` when `toCallId` is already queued;
   * `HOTLINE_ERR_ILLEGAL_STATE` when the caller is connected.
   */
  renameCaller(fromCallId: string, toCallId: string, node: string, data?: Record<string, string>): Promise<QueuedCaller | undefined>;
  /**
   * 1-based place among the callers of its queue not yet connected, and how many agents
   * serve the queue and are logged in (not logged-out) — the inputs of estimated wait time.
   */
  position(callId: string): Promise<{ position: number; waiting: number; staffed: number } | undefined>;

  // routing -----------------------------------------------------------------------------------
  /**
   * Pairs waiting callers of `queue` with available agents, in caller order (priority, then
   * wait) and by the queue's strategy, until one side runs out or `limit` offers were made.
   * Marks both sides `offered` and mails each offer to the caller's node.
   */
  route(queue: string, now: number, limit?: number): Promise<Offer[]>;
  /**
   * Offers an agent who became available the best caller across the agent's queues: highest
   * priority, then longest wait (ties by queue name, so the order is deterministic).
   */
  routeAgent(agentId: string, now: number): Promise<Offer | undefined>;
  /** Offers mailed to `node`, removed from its inbox (at-most-once per inbox entry). */
  takeOffers(node: string): Promise<Offer[]>;
  /**
   * The agent answered: the caller becomes `connected` to them, the agent `on-call`; under
   * ring-all the other agents are released (returned so their legs are hung up). False when
   * the offer is no longer current (caller gone, another agent won, offer expired).
   */
  offerAnswered(offerId: string, agentId: string, now: number): Promise<{ ok: boolean; released: string[] }>;
  /**
   * The agent's leg failed, was rejected or rang out. The agent goes back to `available`, or
   * to `paused` with reason `missed-offers` after `maxMissed` misses in a row (`missed` and
   * `rejected` count; `failed` — the PBX could not reach the endpoint — counts too).
   * When no agent of the offer is left ringing, the caller goes back to waiting at their place.
   */
  offerFailed(offerId: string, agentId: string, reason: 'missed' | 'rejected' | 'failed', now: number, maxMissed: number): Promise<OfferFailedResult>;
  /** Moves an offer's deadline (a callback holds its agent while the customer is dialled). False when the offer is gone. */
  extendOffer(offerId: string, expiresAt: number): Promise<boolean>;
  /** Offers whose `expiresAt` passed: callers back to waiting, agents to available (no penalty). */
  expireOffers(now: number): Promise<Offer[]>;
  /** The agent's leg ended during a connected call: agent to `wrap-up` until `now + wrapUpMs`; handle time counted. */
  agentCallEnded(callId: string, agentId: string, now: number, wrapUpMs: number): Promise<AgentRecord | undefined>;
  /** Agents whose wrap-up ended by `now` become `available` (returned, so they can be routed). */
  finishWrapUps(now: number): Promise<string[]>;

  // figures -----------------------------------------------------------------------------------
  queueSnapshot(queue: string): Promise<QueueSnapshot>;
  /** Queue names with at least one caller waiting (the sweep routes them). */
  queuesWithWaiting(): Promise<string[]>;
  /** Liveness (`GET /ready`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
