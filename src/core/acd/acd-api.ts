import type { AgentState, DistributionStrategy, QueuedCaller } from '../../ports/acd-store.ts';

/** An agent as the API shows it: the stored record plus figures computed at read time. */
export interface AgentView {
  id: string;
  state: AgentState;
  reason?: string;
  endpoint: string;
  skills: Record<string, number>;
  queues: string[];
  requestedQueues: string[] | null;
  /** Seconds in the current state. */
  timeInStateSeconds: number;
  /** The call the agent is offered or talking to. */
  currentCall: { callId: string; offerId?: string } | null;
  wrapUntil?: number;
  figures: {
    offered: number;
    answered: number;
    missed: number;
    missedInRow: number;
    talkSeconds: number;
    wrapUpSeconds: number;
    availableSeconds: number;
    pausedSeconds: number;
    /** (talk + wrap-up) / (talk + wrap-up + available + ringing), 0..1; null before any staffed time. */
    occupancy: number | null;
  };
}

/** A queue's live figures. Durations in seconds; rates 0..1; null where nothing was measured yet. */
export interface QueueView {
  name: string;
  description: string;
  strategy: DistributionStrategy;
  skills: Record<string, number>;
  waiting: number;
  longestWaitSeconds: number;
  answered: number;
  abandoned: number;
  abandonmentRate: number | null;
  averageSpeedOfAnswerSeconds: number | null;
  averageHandleTimeSeconds: number | null;
  averageWrapUpSeconds: number | null;
  serviceLevel: { thresholdSeconds: number; target: number; value: number | null };
  /** Occupancy of the queue's logged-in agents, 0..1. */
  occupancy: number | null;
  agents: Record<AgentState, number>;
  /** Callers in order (first = next). */
  callers: Array<{ callId: string; priority: number; waitSeconds: number; state: QueuedCaller['state']; agentIds: string[] }>;
}

/** What an agent's screen shows when a call is offered (webhook and event stream). */
export interface ScreenPop {
  offerId: string;
  callId: string;
  queue: string;
  agentId: string;
  from: string;
  to: string;
  callerName?: string;
  priority: number;
  waitSeconds: number;
  /** What the IVR collected (secure variables redacted). */
  variables: Record<string, unknown>;
  /** Results of `http` steps marked for the screen pop (e.g. the CRM lookup). */
  lookups: Record<string, unknown>;
  /** Steps the call went through. */
  path: string[];
  at: number;
}

/** Events the ACD publishes (live event stream, webhooks, metrics). */
export type AcdEvent =
  | { type: 'agent.offered'; screenPop: ScreenPop }
  | { type: 'agent.state'; agentId: string; state: AgentState; reason?: string; at: number }
  | { type: 'queue.joined'; callId: string; queue: string; priority: number; at: number }
  | { type: 'queue.left'; callId: string; queue: string; reason: string; waitSeconds: number; at: number }
  | { type: 'queue.answered'; callId: string; queue: string; agentId: string; waitSeconds: number; at: number }
  | { type: 'queue.overflowed'; callId: string; from: string; to: string; at: number };

/** The ACD as the HTTP API uses it. Errors are `HotlineError`s (404 unknown agent/queue, 409 illegal state change, 400 bad input). */
export interface AcdApi {
  login(agentId: string, request: { endpoint: string; skills: Record<string, number>; queues?: string[] }): Promise<AgentView>;
  setAgentState(agentId: string, state: 'available' | 'paused', reason?: string): Promise<AgentView>;
  logout(agentId: string): Promise<AgentView>;
  getAgent(agentId: string): Promise<AgentView>;
  listAgents(): Promise<AgentView[]>;
  listQueues(): Promise<QueueView[]>;
  getQueue(name: string): Promise<QueueView>;
  /** Listens to ACD events; returns an unsubscribe function. */
  on(listener: (event: AcdEvent) => void): () => void;
}

