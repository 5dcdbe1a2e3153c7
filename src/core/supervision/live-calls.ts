import type { CallView } from '../call/types.ts';
import type { LiveCaller } from '../acd/live-callers.ts';

/** A live call as a supervisor's wallboard shows it. */
export interface LiveCallView {
  id: string;
  from: string;
  to: string;
  flow: string;
  step: string;
  path: string[];
  queue?: string;
  /** The agent offered or connected; `legId` when the call is connected on the node that answered. */
  agent?: { id: string; legId?: string };
  /** `ivr`: in the flow, not held by the ACD; `waiting`/`offered`/`connected`: in a queue. */
  state: 'ivr' | 'waiting' | 'offered' | 'connected';
  /** When the call entered `state` (ISO). For `ivr` this is when the call started. */
  since: string;
  inStateMs: number;
  startedAt: string;
  /** Node driving the call (known once it is in a queue). */
  node?: string;
  /** A supervisor took the call over. */
  takenOver?: boolean;
}

/** Which calls to show. */
export interface LiveCallFilter {
  /** Only calls in this queue. */
  queue?: string;
  /** The principal's queues: calls outside them (and calls in no queue) are left out unless `*`. */
  queues?: readonly string[] | '*';
}

/** The calls of all nodes (the call service). */
export interface LiveCallDirectory {
  listCalls(filter?: { state?: 'active' | 'ended' }): Promise<CallView[]>;
}

/** The ACD's callers (the ACD service). */
export interface LiveCallerSource {
  liveCallers(): Promise<{ now: number; callers: LiveCaller[] }>;
}

/**
 * Live calls for supervisors: every active call (all nodes, from the session store) joined with
 * what the ACD knows of it, oldest first, filtered by queue and by the principal's queues.
 *
 * @example
 * const views = await listLiveCalls(calls, acd, { queue: 'billing', queues: principal.queues });
 * views[0]; // { id, state: 'connected', agent: { id: 'alice', legId }, inStateMs: 42000, ... }
 */
export async function listLiveCalls(calls: LiveCallDirectory, acd: LiveCallerSource, filter: LiveCallFilter = {}): Promise<LiveCallView[]> {
  const [active, { now, callers }] = await Promise.all([calls.listCalls({ state: 'active' }), acd.liveCallers()]);
  const byCall = new Map(callers.map((c) => [c.callId, c]));
  const views: LiveCallView[] = [];
  for (const call of active) {
    const caller = byCall.get(call.id);
    if (filter.queue !== undefined && caller?.queue !== filter.queue) continue;
    if (filter.queues !== undefined && filter.queues !== '*' && (!caller || !filter.queues.includes(caller.queue))) continue;
    views.push(viewOf(call, caller, now));
  }
  return views.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
}

function viewOf(call: CallView, caller: LiveCaller | undefined, now: number): LiveCallView {
  const since = caller ? caller.since : Date.parse(call.startedAt);
  const agent = caller?.agentId !== undefined ? { id: caller.agentId, ...(caller.legId !== undefined ? { legId: caller.legId } : {}) } : undefined;
  return {
    id: call.id,
    from: call.from,
    to: call.to,
    flow: call.flow,
    step: call.step,
    path: [...call.path],
    ...(caller ? { queue: caller.queue } : {}),
    ...(agent ? { agent } : {}),
    state: caller ? caller.state : 'ivr',
    since: new Date(since).toISOString(),
    inStateMs: Math.max(0, now - since),
    startedAt: call.startedAt,
    ...(caller ? { node: caller.node } : {}),
    ...(caller?.takenOver ? { takenOver: true } : {}),
  };
}
