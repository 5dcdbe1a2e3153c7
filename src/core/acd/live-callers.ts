import type { AcdStore, AgentRecord, QueuedCaller } from '../../ports/acd-store.ts';
import type { CallLeg } from '../../ports/telephony.ts';
import type { Connection } from './agent-offers.ts';

/** A caller connected to an agent (or, after a takeover, to a supervisor) on this node. */
export interface AcdConnection {
  callId: string;
  queue: string;
  /** The agent who answered (still set after a takeover, for the record). */
  agentId: string;
  /** The agent's leg (gone after a takeover). */
  agentLegId: string;
  /** The leg talking to the caller now: the agent's, or the supervisor's after a takeover. */
  leg: CallLeg;
  bridgeId?: string;
  /** The caller–agent bridge (recordings of the conversation run on it). */
  bridge?: import('../../ports/telephony.ts').Bridge;
  /** When a supervisor took the call over (ACD clock). */
  takenOverAt?: number;
}

/** A caller the ACD holds, for live views (any node). */
export interface LiveCaller {
  callId: string;
  queue: string;
  state: 'waiting' | 'offered' | 'connected';
  /** When the caller entered that state (ACD clock). */
  since: number;
  /** The agent offered or connected (the first one under ring-all). */
  agentId?: string;
  /** The leg talking to the caller, when the call is connected on this node. */
  legId?: string;
  /** Node driving the call. */
  node: string;
  /** A supervisor took the call over (the leg is theirs; the agent is gone). */
  takenOver?: boolean;
}

/**
 * Every caller the ACD holds: waiting and offered callers of `queues` (store, all nodes),
 * callers connected to an agent (found through the agents, since queue snapshots list only
 * callers not yet connected), and calls taken over by a supervisor on this node (the store
 * forgot those when the agent went to wrap-up).
 */
export async function collectLiveCallers(store: AcdStore, queues: readonly string[], local: readonly Connection[], node: string): Promise<LiveCaller[]> {
  const agents = await store.listAgents();
  const out: LiveCaller[] = [];
  const seen = new Set<string>();
  for (const queue of queues) {
    for (const c of (await store.queueSnapshot(queue)).callers) {
      if (seen.has(c.callId) || c.state === 'connected') continue;
      seen.add(c.callId);
      const offered = c.state === 'offered' ? firstOffered(agents, c) : undefined;
      out.push({
        callId: c.callId,
        queue: c.queue,
        state: c.state,
        since: offered?.stateSince ?? c.enqueuedAt,
        ...(c.agentIds[0] !== undefined ? { agentId: c.agentIds[0] } : {}),
        node: c.node,
      });
    }
  }
  const localByCall = new Map(local.map((c) => [c.callId, c]));
  for (const agent of agents) {
    if (agent.state !== 'on-call' || !agent.callId || seen.has(agent.callId)) continue;
    const caller = await store.getCaller(agent.callId);
    if (!caller || caller.state !== 'connected') continue;
    seen.add(agent.callId);
    const here = localByCall.get(agent.callId);
    out.push({
      callId: agent.callId,
      queue: caller.queue,
      state: 'connected',
      since: agent.stateSince,
      agentId: agent.id,
      ...(here ? { legId: here.leg.id } : {}),
      node: caller.node,
    });
  }
  for (const c of local) {
    if (!c.takenOver || seen.has(c.callId)) continue;
    seen.add(c.callId);
    out.push({ callId: c.callId, queue: c.queue, state: 'connected', since: c.takenOver.at, legId: c.leg.id, node, takenOver: true });
  }
  return out;
}

/** The agent whose offer of `caller` has rung longest: the offer started then. */
function firstOffered(agents: readonly AgentRecord[], caller: QueuedCaller): AgentRecord | undefined {
  return agents.filter((a) => a.state === 'offered' && a.offerId === caller.offerId).sort((a, b) => a.stateSince - b.stateSince)[0];
}
