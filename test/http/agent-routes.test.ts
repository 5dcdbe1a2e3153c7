import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AcdApi, AcdEvent, AgentView, QueueView } from '../../src/core/acd/acd-api.ts';
import { hotlineError } from '../../src/core/errors.ts';
import { createHttpApp } from '../../src/http/server.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { fakeDriver, fakeStore, FakeSim, serve } from './fakes.ts';

const TOKEN = 'test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };
const json = { ...auth, 'content-type': 'application/json' };

function view(id: string, patch: Partial<AgentView> = {}): AgentView {
  return {
    id, state: 'available', endpoint: `sim:${id}`, skills: {}, queues: [], requestedQueues: null, timeInStateSeconds: 0, currentCall: null,
    figures: { offered: 0, answered: 0, missed: 0, missedInRow: 0, talkSeconds: 0, wrapUpSeconds: 0, availableSeconds: 0, pausedSeconds: 0, occupancy: null },
    ...patch,
  };
}

function queue(name: string): QueueView {
  return {
    name, description: '', strategy: 'longest-idle', skills: {}, waiting: 1, longestWaitSeconds: 12, answered: 3, abandoned: 1,
    abandonmentRate: 0.25, averageSpeedOfAnswerSeconds: 8, averageHandleTimeSeconds: 120, averageWrapUpSeconds: 10,
    serviceLevel: { thresholdSeconds: 20, target: 0.8, value: 0.75 }, occupancy: 0.5,
    agents: { available: 1, offered: 0, 'on-call': 1, 'wrap-up': 0, paused: 0, 'logged-out': 0 }, callers: [],
  };
}

/** A test double of the ACD core: a map of agents with the core's refusals. */
class FakeAcd implements AcdApi {
  readonly agents = new Map<string, AgentView>();
  readonly calls: unknown[][] = [];
  readonly listeners = new Set<(e: AcdEvent) => void>();

  async login(agentId: string, request: { endpoint: string; skills: Record<string, number>; queues?: string[] }): Promise<AgentView> {
    this.calls.push(['login', agentId, request]);
    const agent = view(agentId, {
      endpoint: request.endpoint, skills: request.skills, requestedQueues: request.queues ?? null, queues: request.queues ?? ['billing'],
    });
    this.agents.set(agentId, agent);
    return agent;
  }
  async setAgentState(agentId: string, state: 'available' | 'paused', reason?: string): Promise<AgentView> {
    this.calls.push(['setAgentState', agentId, state, reason]);
    const agent = this.#known(agentId);
    if (agent.state === 'on-call') throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `agent ${agentId} is on a call`, { agentId });
    const next = view(agentId, { ...agent, state, ...(reason !== undefined ? { reason } : {}) });
    this.agents.set(agentId, next);
    return next;
  }
  async logout(agentId: string): Promise<AgentView> {
    this.calls.push(['logout', agentId]);
    const agent = this.#known(agentId);
    if (agent.state === 'on-call') throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `agent ${agentId} is on a call`, { agentId });
    const next = { ...agent, state: 'logged-out' as const };
    this.agents.set(agentId, next);
    return next;
  }
  async getAgent(agentId: string): Promise<AgentView> {
    return this.#known(agentId);
  }
  async listAgents(): Promise<AgentView[]> {
    return [...this.agents.values()];
  }
  async listQueues(): Promise<QueueView[]> {
    return [queue('billing'), queue('support')];
  }
  async getQueue(name: string): Promise<QueueView> {
    if (name !== 'billing') throw hotlineError('HOTLINE_ERR_NOT_FOUND', `no queue ${name}`, { queue: name });
    return queue(name);
  }
  on(listener: (e: AcdEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  #known(agentId: string): AgentView {
    const agent = this.agents.get(agentId);
    if (!agent) throw hotlineError('HOTLINE_ERR_NOT_FOUND', `no agent ${agentId}`, { agentId });
    return agent;
  }
}

/** The simulator's answer-mode control, recorded. */
class ModeSim extends FakeSim {
  readonly modes: Array<[string, string]> = [];
  setAgentAnswerMode(agentId: string, mode: 'auto' | 'manual'): void {
    this.modes.push([agentId, mode]);
  }
}

function setup(options: { pbx?: 'sim' | 'ari'; acd?: boolean } = {}) {
  const acd = new FakeAcd();
  const sim = new ModeSim();
  const pbx = options.pbx ?? 'sim';
  const app = createHttpApp({
    logger: silentLogger, adminToken: TOKEN, soundsDir: mkdtempSync(join(tmpdir(), 'hotline-sounds-')), pbx,
    driver: fakeDriver(), store: fakeStore(), metrics: createMetrics(),
    calls: { getCall: async () => undefined, listCalls: async () => [] },
    ...(pbx === 'sim' ? { sim } : {}),
    ...(options.acd === false ? {} : { acd }),
  });
  return { app, acd, sim };
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, { method, headers: json, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
  return { status: res.status, body: await res.json() };
}

function servedSetup(options: Parameters<typeof setup>[0] = {}) {
  const ctx = { ...setup(options), base: '' };
  let close: () => Promise<void>;
  before(async () => {
    const s = await serve(ctx.app);
    ctx.base = s.url;
    close = s.close;
  });
  after(() => close());
  return ctx;
}

const login = { endpoint: 'sim:alice', skills: { billing: 7, 'tech-support': 3 }, queues: ['billing', 'tech-support'] };

describe('agent routes', () => {
  const ctx = servedSetup();

  it('needs the bearer token', async () => {
    const res = await fetch(`${ctx.base}/api/agents`);
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as any).error.code, 'HOTLINE_ERR_UNAUTHORIZED');
  });

  it('POST /api/agents/:id/login logs in with endpoint, skills and queues', async () => {
    const res = await call(ctx.base, 'POST', '/api/agents/alice/login', login);
    assert.equal(res.status, 200);
    assert.equal(res.body.id, 'alice');
    assert.equal(res.body.endpoint, 'sim:alice');
    assert.deepEqual(res.body.skills, login.skills);
    assert.deepEqual(ctx.acd.calls.at(-1), ['login', 'alice', login]);
  });

  it('login without queues serves every queue the skills meet; answer sets the simulated phone first', async () => {
    const res = await call(ctx.base, 'POST', '/api/agents/bob.smith_2/login', { endpoint: 'PJSIP/201', skills: {}, answer: 'manual' });
    assert.equal(res.status, 200);
    assert.deepEqual(ctx.acd.calls.at(-1), ['login', 'bob.smith_2', { endpoint: 'PJSIP/201', skills: {} }]);
    assert.deepEqual(ctx.sim.modes, [['bob.smith_2', 'manual']]);
  });

  it('login answers 400 naming what is wrong, and calls nothing', async () => {
    const before = ctx.acd.calls.length;
    const cases: Array<[string, unknown, string]> = [
      ['/api/agents/alice/login', 'not json', ''],
      ['/api/agents/alice/login', [], ''],
      ['/api/agents/alice/login', { skills: {} }, 'endpoint'],
      ['/api/agents/alice/login', { endpoint: 'sim:alice;evil', skills: {} }, 'endpoint'],
      ['/api/agents/alice/login', { endpoint: 'sim:alice\r\nx', skills: {} }, 'endpoint'],
      ['/api/agents/alice/login', { endpoint: 'x'.repeat(129), skills: {} }, 'endpoint'],
      ['/api/agents/alice/login', { endpoint: 'sim:alice' }, 'skills'],
      ['/api/agents/alice/login', { endpoint: 'sim:alice', skills: ['billing'] }, 'skills'],
      ['/api/agents/alice/login', { endpoint: 'sim:alice', skills: { Billing: 5 } }, 'skills'],
      ['/api/agents/alice/login', { endpoint: 'sim:alice', skills: { billing: 11 } }, 'skills.billing'],
      ['/api/agents/alice/login', { endpoint: 'sim:alice', skills: { billing: 0 } }, 'skills.billing'],
      ['/api/agents/alice/login', { endpoint: 'sim:alice', skills: { billing: 2.5 } }, 'skills.billing'],
      ['/api/agents/alice/login', { endpoint: 'sim:alice', skills: { billing: '7' } }, 'skills.billing'],
      ['/api/agents/alice/login', { endpoint: 'sim:alice', skills: {}, queues: 'billing' }, 'queues'],
      ['/api/agents/alice/login', { endpoint: 'sim:alice', skills: {}, queues: [] }, 'queues'],
      ['/api/agents/alice/login', { endpoint: 'sim:alice', skills: {}, queues: ['Billing'] }, 'queues'],
      ['/api/agents/alice/login', { endpoint: 'sim:alice', skills: {}, queues: ['billing', 'billing'] }, 'queues'],
      ['/api/agents/alice/login', { endpoint: 'sim:alice', skills: {}, answer: 'sometimes' }, 'answer'],
      ['/api/agents/alice/login', { endpoint: 'sim:alice', skills: {}, role: 'admin' }, 'role'],
      ['/api/agents/al%20ice/login', { endpoint: 'sim:alice', skills: {} }, 'id'],
      [`/api/agents/${'a'.repeat(65)}/login`, { endpoint: 'sim:alice', skills: {} }, 'id'],
    ];
    for (const [path, body, field] of cases) {
      const res = await call(ctx.base, 'POST', path, body);
      assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}`);
      assert.equal(res.body.error.code, 'HOTLINE_ERR_BAD_REQUEST');
      if (field) assert.equal(res.body.error.details.field, field, `${JSON.stringify(body)}: ${res.body.error.message}`);
    }
    assert.equal(ctx.acd.calls.length, before);
    assert.deepEqual(ctx.sim.modes, [['bob.smith_2', 'manual']]);
  });

  it('POST /api/agents/:id/state pauses with a reason and resumes', async () => {
    const paused = await call(ctx.base, 'POST', '/api/agents/alice/state', { state: 'paused', reason: 'break' });
    assert.equal(paused.status, 200);
    assert.deepEqual([paused.body.state, paused.body.reason], ['paused', 'break']);
    const back = await call(ctx.base, 'POST', '/api/agents/alice/state', { state: 'available' });
    assert.equal(back.status, 200);
    assert.deepEqual(ctx.acd.calls.at(-1), ['setAgentState', 'alice', 'available', undefined]);
  });

  it('state answers 400 for a bad body, 404 for an unknown agent, 409 for an illegal change', async () => {
    for (const body of [{}, { state: 'on-call' }, { state: 'paused', reason: 'lunch break!' }, { state: 'available', reason: 'break' }, { state: 'paused', extra: 1 }]) {
      const res = await call(ctx.base, 'POST', '/api/agents/alice/state', body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    const unknown = await call(ctx.base, 'POST', '/api/agents/nobody/state', { state: 'paused' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'HOTLINE_ERR_NOT_FOUND');
    ctx.acd.agents.set('carol', view('carol', { state: 'on-call', currentCall: { callId: 'c1' } }));
    const busy = await call(ctx.base, 'POST', '/api/agents/carol/state', { state: 'paused' });
    assert.equal(busy.status, 409);
    assert.equal(busy.body.error.code, 'HOTLINE_ERR_ILLEGAL_STATE');
  });

  it('GET /api/agents/:id and GET /api/agents', async () => {
    const one = await call(ctx.base, 'GET', '/api/agents/alice');
    assert.equal(one.status, 200);
    assert.equal(one.body.id, 'alice');
    const missing = await call(ctx.base, 'GET', '/api/agents/nobody');
    assert.equal(missing.status, 404);
    const bad = await call(ctx.base, 'GET', '/api/agents/b%24d');
    assert.equal(bad.status, 400);
    const all = await call(ctx.base, 'GET', '/api/agents');
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.agents.map((a: AgentView) => a.id).sort(), ['alice', 'bob.smith_2', 'carol']);
  });

  it('POST /api/agents/:id/logout: 200, 404 unknown, 409 on a call, 400 bad id', async () => {
    const busy = await call(ctx.base, 'POST', '/api/agents/carol/logout');
    assert.equal(busy.status, 409);
    const out = await call(ctx.base, 'POST', '/api/agents/alice/logout');
    assert.equal(out.status, 200);
    assert.equal(out.body.state, 'logged-out');
    assert.equal((await call(ctx.base, 'POST', '/api/agents/nobody/logout')).status, 404);
    assert.equal((await call(ctx.base, 'POST', '/api/agents/-%2F-/logout')).status, 400);
  });
});

describe('queue routes', () => {
  const ctx = servedSetup();

  it('GET /api/queues lists every queue with its figures', async () => {
    const res = await call(ctx.base, 'GET', '/api/queues');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.queues.map((q: QueueView) => q.name), ['billing', 'support']);
    assert.deepEqual(res.body.queues[0], queue('billing'));
  });

  it('GET /api/queues/:name: 200, 404 unknown, 400 bad name', async () => {
    const res = await call(ctx.base, 'GET', '/api/queues/billing');
    assert.equal(res.status, 200);
    assert.equal(res.body.serviceLevel.value, 0.75);
    const missing = await call(ctx.base, 'GET', '/api/queues/sales');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'HOTLINE_ERR_NOT_FOUND');
    assert.equal((await call(ctx.base, 'GET', '/api/queues/Billing')).status, 400);
    assert.equal((await call(ctx.base, 'GET', '/api/queues/-x')).status, 400);
  });

  it('mounts the event stream behind the token', async () => {
    assert.equal((await fetch(`${ctx.base}/api/events`)).status, 401);
    const controller = new AbortController();
    const res = await fetch(`${ctx.base}/api/events`, { headers: auth, signal: controller.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    controller.abort();
    await res.body?.cancel().catch(() => {});
  });
});

describe('agent routes on a real PBX', () => {
  const ctx = servedSetup({ pbx: 'ari' });

  it('refuses `answer` (simulator only) without logging in', async () => {
    const res = await call(ctx.base, 'POST', '/api/agents/alice/login', { endpoint: 'PJSIP/201', skills: {}, answer: 'auto' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.details.field, 'answer');
    assert.match(res.body.error.message, /PBX=ari/);
    assert.equal(ctx.acd.calls.length, 0);
    assert.equal((await call(ctx.base, 'POST', '/api/agents/alice/login', { endpoint: 'PJSIP/201', skills: {} })).status, 200);
  });
});

describe('without an ACD', () => {
  const ctx = servedSetup({ acd: false });

  it('mounts no ACD routes', async () => {
    for (const path of ['/api/agents', '/api/queues', '/api/events']) {
      const res = await call(ctx.base, 'GET', path);
      assert.equal(res.status, 404, path);
      assert.equal(res.body.error.code, 'HOTLINE_ERR_NOT_FOUND');
    }
  });
});
