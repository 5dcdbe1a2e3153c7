import type { LogLine } from './pino-lines.ts';

/**
 * One offer of a caller to an agent as the logs of the caller's node tell it: from `offering
 * call to agent` until the agent is free again (the offer failed or was withdrawn, or the
 * connected call ended and wrap-up began).
 */
export interface AgentInterval {
  agentId: string;
  callId: string;
  offerId: string;
  /** The store's global offer sequence (`<callId>:<n>`, from one Redis INCR): the true order of offers. */
  offerSeq: number;
  node: string;
  start: number;
  end?: number;
  /** How the agent was freed: `wrap-up` means the store put them in wrap-up, not straight back to available. */
  endKind?: 'failed' | 'withdrawn' | 'wrap-up';
  answered: boolean;
}

/** What the ACD's log lines of all nodes show. */
export interface AcdEvidence {
  intervals: AgentInterval[];
  /** callId → agents that answered it (must be at most one). */
  answeredBy: Map<string, string[]>;
  /** callId → `reason`s of `caller left queue`. */
  leftReasons: Map<string, string[]>;
  /** Broken rules, as sentences. */
  violations: string[];
}

interface CallerState {
  open?: AgentInterval;
  connected?: AgentInterval;
  gone: boolean;
}

/**
 * Rebuilds offers from the ACD's log lines. Everything about one caller is logged by the node
 * that owns the caller (offers are mailed there), so the per-caller rules are checked in that
 * process's program order and cannot race: a caller is never offered while an earlier offer of
 * theirs is open, never after connecting or leaving, and answered at most once.
 *
 * Per-agent rules span nodes. Offers of one agent are put in the store's own order (`offerSeq`)
 * and each must have ended before the next began. The comparison uses log times, which lag the
 * store by the time a node takes to log after its Redis script returned, so `toleranceMs` of
 * lag is allowed; a real double offer lasts a ring (≥ 1 s for a simulated agent), far longer.
 * After a call the agent must also have sat out `wrapUpMs` (minus the same tolerance).
 *
 * @param nodes each node's lines, in the order that node printed them
 */
export function acdEvidence(nodes: ReadonlyArray<readonly LogLine[]>, options: { wrapUpMs: number; toleranceMs: number }): AcdEvidence {
  const intervals: AgentInterval[] = [];
  const answeredBy = new Map<string, string[]>();
  const leftReasons = new Map<string, string[]>();
  const violations: string[] = [];
  for (const lines of nodes) {
    const callers = new Map<string, CallerState>();
    const callerOf = (callId: string) => {
      let state = callers.get(callId);
      if (!state) callers.set(callId, (state = { gone: false }));
      return state;
    };
    const close = (iv: AgentInterval, line: LogLine, kind: NonNullable<AgentInterval['endKind']>) => {
      iv.end = line.time;
      iv.endKind = kind;
    };
    for (const line of lines) {
      const callId = typeof line.callId === 'string' ? line.callId : undefined;
      const agentId = typeof line.agentId === 'string' ? line.agentId : undefined;
      if (!callId) continue;
      const caller = callerOf(callId);
      switch (line.msg) {
        case 'offering call to agent': {
          const offerId = String(line.offerId);
          const where = `${line.node}#${line.seq}`;
          if (caller.gone) violations.push(`${where}: caller ${callId} offered to ${agentId} after leaving the queue`);
          if (caller.open) violations.push(`${where}: caller ${callId} offered to ${agentId} while offer ${caller.open.offerId} to ${caller.open.agentId} is open`);
          if (caller.connected) violations.push(`${where}: caller ${callId} offered to ${agentId} while connected to ${caller.connected.agentId}`);
          const iv: AgentInterval = { agentId: agentId ?? '?', callId, offerId, offerSeq: Number(offerId.split(':').at(-1)), node: line.node, start: line.time, answered: false };
          intervals.push(iv);
          caller.open = iv;
          break;
        }
        case 'agent answered': {
          const by = answeredBy.get(callId) ?? [];
          by.push(agentId ?? '?');
          answeredBy.set(callId, by);
          if (!caller.open || caller.open.agentId !== agentId) {
            violations.push(`${line.node}#${line.seq}: ${agentId} answered caller ${callId} without an open offer to them`);
            break;
          }
          caller.open.answered = true;
          caller.connected = caller.open;
          caller.open = undefined;
          break;
        }
        case 'agent did not take the offer':
          // Without an open offer the caller left first and that already freed the agent.
          if (caller.open && caller.open.agentId === agentId) {
            close(caller.open, line, 'failed');
            caller.open = undefined;
          }
          break;
        case 'agent leg ended': {
          const connected = caller.connected;
          if (connected && connected.agentId === agentId && connected.end === undefined) close(connected, line, 'wrap-up');
          break;
        }
        case 'caller left queue': {
          const reasons = leftReasons.get(callId) ?? [];
          reasons.push(String(line.reason));
          leftReasons.set(callId, reasons);
          if (caller.open) close(caller.open, line, 'withdrawn');
          if (caller.connected && caller.connected.end === undefined) close(caller.connected, line, 'wrap-up');
          caller.open = undefined;
          caller.gone = true;
          break;
        }
      }
    }
  }

  for (const [callId, agents] of answeredBy) {
    if (agents.length > 1) violations.push(`caller ${callId} was answered by ${agents.join(' and ')}`);
  }

  const byAgent = new Map<string, AgentInterval[]>();
  for (const iv of intervals) byAgent.set(iv.agentId, [...(byAgent.get(iv.agentId) ?? []), iv]);
  for (const [agentId, list] of byAgent) {
    list.sort((a, b) => a.offerSeq - b.offerSeq);
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!;
      const next = list[i]!;
      const what = `agent ${agentId}: offer ${next.offerId} (${next.node})`;
      if (prev.end === undefined) {
        violations.push(`${what} came while ${prev.offerId} (${prev.node}) never ended`);
        continue;
      }
      const gap = next.start - prev.end;
      const minGap = prev.endKind === 'wrap-up' ? options.wrapUpMs - options.toleranceMs : -options.toleranceMs;
      if (gap < minGap) {
        violations.push(`${what} began ${gap} ms after ${prev.offerId} (${prev.node}) ended by ${prev.endKind} (allowed from ${minGap} ms)`);
      }
    }
  }
  return { intervals, answeredBy, leftReasons, violations };
}
