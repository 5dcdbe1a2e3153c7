import { encodeWav } from '../../src/adapters/sim/sim-wav.ts';
import type { AcdApi, AcdEvent, AgentView, QueueView } from '../../src/core/acd/acd-api.ts';
import { hotlineError } from '../../src/core/errors.ts';
import { MemoryAuditLog } from '../../src/adapters/memory/memory-audit-log.ts';
import { parseTokens } from '../../src/config/tokens-file.ts';
import type { Principal } from '../../src/ports/audit.ts';
import type { RecordingFilter, RecordingMeta, RecordingTarget } from '../../src/ports/recordings.ts';
import type { SuperviseMode } from '../../src/ports/telephony.ts';
import type { LiveCallView } from '../../src/http/call-routes.ts';
import type { RecordingsApi } from '../../src/http/recording-routes.ts';
import { createHttpApp } from '../../src/http/server.ts';
import type { SupervisionApi, SupervisionView } from '../../src/http/supervision-routes.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { callView, fakeDriver, fakeStore, FakeSim, serve } from './fakes.ts';

/** Bearer tokens of the fixture's principals. */
export const TOKENS = {
  admin: 'admin-token-0123456789abcdef',
  /** Supervisor of `billing`. */
  sue: 'sue-token-0123456789abcdef',
  /** Supervisor of every queue. */
  max: 'max-token-0123456789abcdef',
  /** Agent `alice` (in `billing`, connected to call `c-billing`). */
  alice: 'alice-token-0123456789abcdef',
  /** Agent `bob` (in `support`). */
  bob: 'bob-token-0123456789abcdef',
  /** A second admin from the tokens file. */
  ops: 'ops-token-0123456789abcdef',
} as const;
export type Who = keyof typeof TOKENS;

/** Fixed time of the fixture's clock. */
export const NOW = Date.parse('2026-11-23T14:00:00Z');

export function agentView(id: string, queues: string[]): AgentView {
  return {
    id, state: 'available', endpoint: `sim:${id}`, skills: {}, queues, requestedQueues: null, timeInStateSeconds: 0, currentCall: null,
    figures: { offered: 0, answered: 0, missed: 0, missedInRow: 0, talkSeconds: 0, wrapUpSeconds: 0, availableSeconds: 0, pausedSeconds: 0, occupancy: null },
  };
}

function queueView(name: string): QueueView {
  return {
    name, description: '', strategy: 'longest-idle', skills: {}, waiting: 0, longestWaitSeconds: 0, answered: 0, abandoned: 0,
    abandonmentRate: null, averageSpeedOfAnswerSeconds: null, averageHandleTimeSeconds: null, averageWrapUpSeconds: null,
    serviceLevel: { thresholdSeconds: 20, target: 0.8, value: null }, occupancy: null,
    agents: { available: 0, offered: 0, 'on-call': 0, 'wrap-up': 0, paused: 0, 'logged-out': 0 }, callers: [],
  };
}

/** The ACD with two agents: alice (billing) and bob (support). */
export class FakeAcd implements AcdApi {
  readonly agents = new Map([['alice', agentView('alice', ['billing'])], ['bob', agentView('bob', ['support'])]]);
  readonly calls: string[] = [];
  async login(id: string): Promise<AgentView> {
    this.calls.push(`login ${id}`);
    return this.agents.get(id) ?? agentView(id, []);
  }
  async setAgentState(id: string, state: 'available' | 'paused'): Promise<AgentView> {
    this.calls.push(`state ${id} ${state}`);
    return { ...(await this.getAgent(id)), state };
  }
  async logout(id: string): Promise<AgentView> {
    this.calls.push(`logout ${id}`);
    return { ...(await this.getAgent(id)), state: 'logged-out' };
  }
  async getAgent(id: string): Promise<AgentView> {
    const agent = this.agents.get(id);
    if (!agent) throw hotlineError('HOTLINE_ERR_NOT_FOUND', `no agent ${id}`, { agentId: id });
    return agent;
  }
  async listAgents(): Promise<AgentView[]> {
    return [...this.agents.values()];
  }
  async listQueues(): Promise<QueueView[]> {
    return [queueView('billing'), queueView('support')];
  }
  async getQueue(name: string): Promise<QueueView> {
    return queueView(name);
  }
  on(_listener: (e: AcdEvent) => void): () => void {
    return () => {};
  }
}

function meta(id: string, callId: string, queue: string | undefined, state: RecordingMeta['state'] = 'done'): RecordingMeta {
  return {
    id, callId, flowId: 'support-line', ...(queue ? { queue } : {}), ...(queue === 'billing' ? { agentId: 'alice' } : {}),
    target: queue ? 'conversation' : 'call', source: 'queue', driver: 'sim', node: 'n1', state,
    startedAt: NOW - 60_000, ...(state === 'done' ? { endedAt: NOW, durationMs: 60_000 } : {}), paused: [], format: 'wav',
  };
}

/** A small WAV: 44-byte header + 8 samples. */
export const WAV = encodeWav(new Int16Array(8));

/** The RecordingService's catalog and controls, over a map. */
export class FakeRecordings implements RecordingsApi {
  readonly metas = new Map<string, RecordingMeta>([
    ['rec-billing-1', meta('rec-billing-1', 'c-billing', 'billing')],
    ['rec-support-1', meta('rec-support-1', 'c-support', 'support')],
    ['rec-ivr-1', meta('rec-ivr-1', 'c-ivr', undefined)],
    ['rec-live-1', meta('rec-live-1', 'c-billing', 'billing', 'recording')],
  ]);
  readonly actions: string[] = [];
  pauses = 0;
  async list(filter: RecordingFilter = {}): Promise<RecordingMeta[]> {
    return [...this.metas.values()]
      .filter((m) => (filter.callId === undefined || m.callId === filter.callId) && (filter.queue === undefined || m.queue === filter.queue))
      .filter((m) => filter.queues === undefined || (m.queue !== undefined && filter.queues.includes(m.queue)))
      .slice(0, filter.limit ?? 100);
  }
  async get(id: string): Promise<RecordingMeta> {
    const m = this.metas.get(id);
    if (!m) throw hotlineError('HOTLINE_ERR_NO_SUCH_RECORDING', `no recording ${id}`, { recordingId: id });
    return m;
  }
  async audio(id: string): Promise<Uint8Array> {
    const m = await this.get(id);
    if (m.state === 'recording') throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `recording ${id} is still running`, { recordingId: id });
    return WAV;
  }
  async remove(id: string): Promise<void> {
    await this.get(id);
    this.metas.delete(id);
  }
  async pause(callId: string, reason: 'api'): Promise<void> {
    this.actions.push(`pause ${callId} ${reason}`);
    this.pauses++;
  }
  async resume(callId: string, reason: 'api'): Promise<void> {
    this.actions.push(`resume ${callId} ${reason}`);
    this.pauses = Math.max(0, this.pauses - 1);
  }
  async stop(callId: string, target?: RecordingTarget): Promise<void> {
    this.actions.push(`stop ${callId} ${target ?? 'all'}`);
  }
  active(callId: string): RecordingMeta[] {
    return [...this.metas.values()].filter((m) => m.callId === callId && m.state === 'recording');
  }
  isPaused(): boolean {
    return this.pauses > 0;
  }
  async startOnDemand(callId: string, request: { target: RecordingTarget }): Promise<RecordingMeta> {
    this.actions.push(`start ${callId} ${request.target}`);
    return meta('rec-new', callId, 'billing', 'recording');
  }
}

/** The SupervisionService: queue checks like the real one (call → queue), no audit of its own here. */
export class FakeSupervisions implements SupervisionApi {
  readonly views = new Map<string, SupervisionView>();
  readonly callQueues = new Map([['c-billing', 'billing'], ['c-support', 'support']]);
  #n = 0;
  async start(req: { callId: string; endpoint: string; mode: SuperviseMode; principal: Principal }): Promise<SupervisionView> {
    const queue = this.callQueues.get(req.callId);
    if (!queue) throw hotlineError('HOTLINE_ERR_NO_SUCH_CALL', `no call ${req.callId}`, { callId: req.callId });
    if (req.principal.queues !== '*' && !req.principal.queues.includes(queue)) {
      throw hotlineError('HOTLINE_ERR_FORBIDDEN', `queue ${queue} is not assigned to ${req.principal.name}`, { queue });
    }
    const at = new Date(NOW).toISOString();
    const view: SupervisionView = {
      id: `sup-${++this.#n}`, callId: req.callId, queue, agentId: 'alice', supervisor: req.principal.name, endpoint: req.endpoint,
      mode: req.mode, state: 'ringing', startedAt: at, modes: [{ mode: req.mode, at }],
    };
    this.views.set(view.id, view);
    return view;
  }
  async setMode(id: string, mode: SuperviseMode): Promise<SupervisionView> {
    const view = { ...this.get(id), mode };
    this.views.set(id, view);
    return view;
  }
  async end(id: string): Promise<void> {
    this.views.set(id, { ...this.get(id), state: 'ended' });
  }
  get(id: string): SupervisionView {
    const view = this.views.get(id);
    if (!view) throw hotlineError('HOTLINE_ERR_NO_SUCH_SUPERVISION', `no supervision ${id}`, { supervisionId: id });
    return view;
  }
  list(): SupervisionView[] {
    return [...this.views.values()];
  }
}

export const LIVE_CALLS: LiveCallView[] = [
  { id: 'c-billing', from: '+15551230000', to: '100', flow: 'support-line', step: 'queue', path: ['queue'], queue: 'billing', agent: { id: 'alice', legId: 'leg-a' }, state: 'connected', since: new Date(NOW).toISOString(), inStateMs: 0, startedAt: new Date(NOW).toISOString() },
  { id: 'c-support', from: '+15551230001', to: '100', flow: 'support-line', step: 'queue', path: ['queue'], queue: 'support', agent: { id: 'bob' }, state: 'connected', since: new Date(NOW).toISOString(), inStateMs: 0, startedAt: new Date(NOW).toISOString() },
  { id: 'c-ivr', from: '+15551230002', to: '100', flow: 'support-line', step: 'menu', path: ['menu'], state: 'ivr', since: new Date(NOW).toISOString(), inStateMs: 0, startedAt: new Date(NOW).toISOString() },
];

/** A served app with every optional part and the fixture's principals. */
export async function roleApp() {
  const audit = new MemoryAuditLog();
  const recordings = new FakeRecordings();
  const supervisions = new FakeSupervisions();
  const acd = new FakeAcd();
  const sim = new FakeSim();
  const liveFilters: unknown[] = [];
  const principals = parseTokens([
    { name: 'sue', role: 'supervisor', queues: ['billing'], token: TOKENS.sue },
    { name: 'max', role: 'supervisor', queues: '*', token: TOKENS.max },
    { name: 'alice', role: 'agent', agentId: 'alice', token: TOKENS.alice },
    { name: 'bob', role: 'agent', agentId: 'bob', token: TOKENS.bob },
    { name: 'ops', role: 'admin', token: TOKENS.ops },
  ], 'test tokens');
  const views = new Map(['c-billing', 'c-support', 'c-ivr'].map((id) => [id, callView(id)]));
  const app = createHttpApp({
    logger: silentLogger, adminToken: TOKENS.admin, soundsDir: '/nonexistent', pbx: 'sim', driver: fakeDriver(), store: fakeStore(), metrics: createMetrics(),
    calls: { getCall: async (id) => views.get(id), listCalls: async () => [...views.values()] },
    sim, acd, principals, audit, recordings, supervisions, now: () => NOW,
    liveCalls: {
      list: (filter) => {
        liveFilters.push(filter);
        return LIVE_CALLS.filter((c) => (filter.queue === undefined || c.queue === filter.queue) && (filter.queues === undefined || filter.queues === '*' || (c.queue !== undefined && filter.queues.includes(c.queue))));
      },
    },
  });
  const server = await serve(app);
  const request = (who: Who | undefined, method: string, path: string, body?: unknown) =>
    fetch(`${server.url}/api${path}`, {
      method,
      headers: { ...(who ? { authorization: `Bearer ${TOKENS[who]}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
  return { server, request, audit, recordings, supervisions, acd, sim, liveFilters };
}
