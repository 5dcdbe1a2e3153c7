import { createActor, type AnyStateMachine, type InspectionEvent } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import type { FlowContext, FlowEvent } from '../../src/core/call/events.ts';

type Snap = ReturnType<AnyStateMachine['getInitialSnapshot']>;
type TransitionDef = { eventType: string; source: { id: string }; guard?: unknown };
type Node = { id: string; transitions: Map<string, TransitionDef[]>; always?: TransitionDef[]; states: Record<string, Node> };

/** Every transition a machine defines, keyed `<state id> <event>#<n>`. */
export function transitionsOf(machine: AnyStateMachine): Map<TransitionDef, string> {
  const out = new Map<TransitionDef, string>();
  const walk = (node: Node) => {
    for (const [event, list] of node.transitions) list.forEach((t, i) => out.set(t, `${node.id} ${event}#${i}`));
    (node.always ?? []).forEach((t, i) => out.set(t, `${node.id} always#${i}`));
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root as unknown as Node);
  return out;
}

/** Collects the transitions an actor takes, by key. */
export function transitionRecorder(machine: AnyStateMachine) {
  const keys = transitionsOf(machine);
  const taken = new Set<string>();
  return {
    keys,
    taken,
    inspect(ev: InspectionEvent) {
      if (ev.type !== '@xstate.microstep') return;
      for (const t of (ev as unknown as { _transitions: TransitionDef[] })._transitions) {
        const key = keys.get(t);
        if (key) taken.add(key);
      }
    },
  };
}

function guardsOf(snapshot: Snap): Array<{ event: string; type: string; params: Record<string, unknown> }> {
  const out: Array<{ event: string; type: string; params: Record<string, unknown> }> = [];
  for (const node of (snapshot as unknown as { _nodes: Node[] })._nodes) {
    for (const [event, list] of node.transitions) {
      for (const t of list) {
        const g = t.guard as { type?: string; params?: Record<string, unknown> } | string | undefined;
        if (g && typeof g === 'object' && g.type) out.push({ event, type: g.type, params: g.params ?? {} });
      }
    }
  }
  return out;
}

/** A CRM answer that finds things, and one that does not (branches on the result need both). */
const HTTP_FOUND = { orderId: '111111', status: 'shipped', statusText: 'Your order has shipped.', approved: true, confirmation: 'A1' };
const HTTP_NOT_FOUND = { orderId: '111111', status: 'unknown', statusText: '', approved: false };
/** Slots a callback service offers (a `book` step plays them and takes a key for one). */
export const CALLBACK_SLOTS = [
  { key: 'q:1', label: 'within the hour' },
  { key: 'q:2', label: 'this afternoon' },
  { key: 'q:3', label: 'tomorrow morning' },
];

/**
 * The synthetic events worth trying in a state: the ones its transitions can take. Keys come
 * from the guards in force (plus one key no option uses); gathers only need `1` and `#`.
 */
export function candidateEvents(snapshot: Snap): FlowEvent[] {
  if (snapshot.status !== 'active') return [];
  const ctx = snapshot.context as FlowContext;
  const guards = guardsOf(snapshot);
  const handles = (event: string) => (snapshot as unknown as { _nodes: Node[] })._nodes.some((n) => n.transitions.has(event));
  const events: FlowEvent[] = [];
  if (ctx.playing) events.push({ type: 'prompt.done', playbackId: ctx.playing, reason: 'finished' });
  for (const g of guards) if (g.event === 'timer.fired' && typeof g.params.id === 'string') events.push({ type: 'timer.fired', id: g.params.id });
  const keys = new Set(guards.filter((g) => g.type === 'digitIs' || g.type === 'callbackSlotKey' || g.type === 'queueCallbackKey').map((g) => String(g.params.key)));
  if (handles('call.dtmf')) {
    if (guards.some((g) => g.type === 'gatherComplete') || (snapshot as unknown as { _nodes: Node[] })._nodes.some((n) => n.transitions.get('call.dtmf')?.some((t) => !t.guard && keys.size === 0))) {
      keys.add('1');
      keys.add('#');
    } else {
      keys.add([...'0123456789*#'].find((k) => !keys.has(k)) ?? '5');
    }
    for (const digit of keys) events.push({ type: 'call.dtmf', digit });
  }
  if (handles('call.speech')) {
    for (const g of guards) if (g.type === 'speechMatches') events.push({ type: 'call.speech', text: String((g.params.phrases as string[])[0]) });
    events.push({ type: 'call.speech', text: 'something else entirely' });
  }
  if (ctx.pending) {
    if (handles('check.result')) for (const outcome of ['open', 'closed', 'holiday']) events.push({ type: 'check.result', checkId: ctx.pending, outcome });
    if (handles('http.done')) {
      events.push({ type: 'http.done', requestId: ctx.pending, status: 200, body: HTTP_FOUND });
      events.push({ type: 'http.done', requestId: ctx.pending, status: 200, body: HTTP_NOT_FOUND });
      events.push({ type: 'http.done', requestId: ctx.pending, status: 500, body: 'error' });
      events.push({ type: 'http.error', requestId: ctx.pending, code: 'HOTLINE_ERR_TIMEOUT', message: 'timed out' });
    }
    if (handles('transfer.done')) {
      events.push({ type: 'transfer.done', transferId: ctx.pending });
      events.push({ type: 'transfer.failed', transferId: ctx.pending, code: 'HOTLINE_ERR_TRANSFER_DENIED', message: 'denied' });
    }
    if (handles('recording.applied')) {
      events.push({ type: 'recording.applied', requestId: ctx.pending });
      events.push({ type: 'recording.error', requestId: ctx.pending, code: 'HOTLINE_ERR_UNSUPPORTED', message: 'no recorder' });
    }
    if (handles('callback.result')) {
      // Found (a callback, three slots), found nothing, and the refusals steps tell apart.
      events.push({ type: 'callback.result', requestId: ctx.pending, ok: true, data: { callbackId: 'cb-1', slots: CALLBACK_SLOTS } });
      events.push({ type: 'callback.result', requestId: ctx.pending, ok: true, data: {} });
      for (const code of ['HOTLINE_ERR_NUMBER_DENIED', 'HOTLINE_ERR_SLOT_FULL', 'HOTLINE_ERR_INTERNAL']) events.push({ type: 'callback.result', requestId: ctx.pending, ok: false, code });
    }
    if (handles('recording.done')) {
      events.push({ type: 'recording.done', recordingId: ctx.pending, reason: 'terminated' });
      events.push({ type: 'recording.failed', recordingId: ctx.pending, code: 'HOTLINE_ERR_PBX' });
    }
  }
  if (ctx.pending && handles('queue.status')) {
    // Something new to say (position 2, 3 minutes), then nothing new (same answer again).
    const progress = ctx.queue;
    const fresh = progress?.announcedPosition == null;
    events.push({ type: 'queue.status', checkId: ctx.pending, position: fresh ? 2 : progress!.announcedPosition!, ewtMinutes: fresh ? 3 : progress!.announcedEwt!, everyMs: 600_000, sayPosition: true, sayWait: true });
  }
  if (handles('queue.answered')) events.push({ type: 'queue.answered', queue: 'q', agentId: 'agent' });
  if (handles('queue.done')) events.push({ type: 'queue.done', queue: 'q' });
  if (handles('queue.timeout')) for (const action of ['voicemail', 'callback', 'leave'] as const) events.push({ type: 'queue.timeout', queue: 'q', action });
  if (handles('queue.error')) events.push({ type: 'queue.error', queue: 'q', code: 'HOTLINE_ERR_INTERNAL' });
  if (handles('session.resumed')) events.push({ type: 'session.resumed' });
  events.push({ type: 'call.hangup', cause: 'normal', by: 'remote' });
  return events;
}

function stateOf(snapshot: Snap): { value: unknown; pending: boolean } {
  return { value: snapshot.value, pending: (snapshot.context as FlowContext).pending !== null };
}

/** Merges states that differ only in counters and ids, so loops (repeat key) stay finite. */
function serialize(snapshot: Snap): string {
  const c = snapshot.context as FlowContext;
  return JSON.stringify([
    snapshot.value,
    snapshot.status,
    c.attempts,
    c.digits.length,
    c.terminated,
    Object.keys(c.vars).sort(),
    c.pending !== null,
    c.playing !== null,
    c.queue?.announcedPosition != null,
    // The callback offer comes after time in line (counted in checks): distinct up to a minute, so loops stay finite.
    c.queue?.callbackOffer ?? null,
    Math.min(c.queue?.waitedMs ?? 0, 60_000),
  ]);
}

/**
 * Walks that together take every transition reachable with synthetic events: the shortest
 * path to each distinct state, extended by each event that state can take — kept only when
 * that event takes a transition no earlier walk took.
 */
export interface Walk {
  events: FlowEvent[];
  /** State value the model ends in (`'ended'` once final). */
  expected: unknown;
  /** The model ends waiting for an effect's result (hours, HTTP, transfer), which the sim delivers by itself. */
  awaitsEffect: boolean;
  /** For each `session.resumed` in `events`, the model state the crash happened in. */
  crashes: Array<{ value: unknown; pending: boolean }>;
}

export function generateWalks(machine: AnyStateMachine, input: unknown): { walks: Walk[] } {
  const paths = getShortestPaths(machine, { input: input as never, events: candidateEvents as never, serializeState: serialize as never });
  const recorder = transitionRecorder(machine);
  const walks: Walk[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    const steps = path.steps.filter((s) => !String((s.event as FlowEvent).type).startsWith('xstate.'));
    const prefix = steps.map((s) => s.event as FlowEvent);
    // steps[i].state is the state after steps[i].event; the state before it is the previous one.
    const before = [path.steps[0]!.state, ...steps.map((s) => s.state)];
    const crashes = prefix.flatMap((e, i) => (e.type === 'session.resumed' ? [stateOf(before[i]!)] : []));
    for (const event of candidateEvents(path.state)) {
      const before = recorder.taken.size;
      const actor = createActor(machine, { input: input as never, snapshot: path.state as never, inspect: (ev) => recorder.inspect(ev) });
      actor.start();
      actor.send(event as never);
      const after = actor.getSnapshot();
      actor.stop();
      if (recorder.taken.size === before) continue;
      const key = JSON.stringify([...prefix, event]);
      if (!seen.has(key)) {
        seen.add(key);
        walks.push({
          events: [...prefix, event],
          expected: after.status === 'done' ? 'ended' : after.value,
          awaitsEffect: after.status !== 'done' && (after.context as FlowContext).pending !== null,
          crashes: event.type === 'session.resumed' ? [...crashes, stateOf(path.state)] : crashes,
        });
      }
    }
  }
  return { walks };
}
