import type { AgentRecord, AgentState, QueueCounters } from '../../../ports/acd-store.ts';

/** An agent as the memory store keeps it: the record plus the queue of the call being wrapped up. */
export interface AgentEntry {
  rec: AgentRecord;
  wrapQueue?: string;
}

const BUCKET: Partial<Record<AgentState, keyof AgentRecord['figures']>> = {
  available: 'availableMs',
  offered: 'offeredMs',
  'on-call': 'onCallMs',
  'wrap-up': 'wrapUpMs',
  paused: 'pausedMs',
};

/** Fresh figures of a login. */
export function zeroFigures(): AgentRecord['figures'] {
  return { offered: 0, answered: 0, missed: 0, availableMs: 0, onCallMs: 0, wrapUpMs: 0, pausedMs: 0, offeredMs: 0 };
}

/** Fresh counters of a queue. */
export function zeroCounters(): QueueCounters {
  return {
    entered: 0,
    answered: 0,
    abandoned: 0,
    answeredInSl: 0,
    abandonedInSl: 0,
    left: 0,
    answerWaitMsSum: 0,
    handleMsSum: 0,
    handled: 0,
    wrapUpMsSum: 0,
    wrapUps: 0,
    recentHandleMs: [],
  };
}

/**
 * Moves an agent to `next`: closes the time of the old state into its bucket, ends a wrap-up
 * (counted on the call's queue through `countWrap`), and stamps `idleSince` on becoming available.
 * Call/offer references are dropped unless the new state carries one.
 */
export function changeState(entry: AgentEntry, next: AgentState, now: number, countWrap: (queue: string, ms: number) => void): void {
  const a = entry.rec;
  const bucket = BUCKET[a.state];
  const spent = Math.max(0, now - a.stateSince);
  if (bucket) a.figures[bucket] += spent;
  if (a.state === 'wrap-up') {
    if (entry.wrapQueue !== undefined) countWrap(entry.wrapQueue, spent);
    delete entry.wrapQueue;
    delete a.wrapUntil;
  }
  a.state = next;
  a.stateSince = now;
  delete a.reason;
  if (next !== 'offered' && next !== 'on-call') {
    delete a.offerId;
    delete a.callId;
  }
  if (next === 'available') a.idleSince = now;
}
