import type { AcdStore, AgentLogin, AgentRecord, AgentState, LeaveReason, LeaveResult, Offer, OfferFailedResult, QueueCounters, QueuedCaller, QueueRouting, QueueSnapshot } from '../../ports/acd-store.ts';
import { hotlineError, isHotlineError } from '../../core/errors.ts';
import { checkDuration, checkId, checkPriority, checkQueueRouting, checkStateRequest, checkTime, compareIds } from '../../core/acd/routing-order.ts';
import { checkEnqueue, checkLeave, checkLogin, checkOfferFailure } from '../../core/acd/store-input.ts';
import type { EnqueueRequest } from '../../core/acd/store-input.ts';
import type { RedisLike } from './redis-like.ts';
import { runScript, loadScripts, type AcdScript } from './acd/script-runner.ts';
import { LOGIN, LOGOUT, SET_AGENT_STATE, SET_QUEUES } from './acd/agent-scripts.ts';
import { AGENT_CALL_ENDED, ENQUEUE, EXTEND_OFFER, LEAVE, MOVE_CALLER, RENAME_CALLER, SET_PRIORITY } from './acd/caller-scripts.ts';
import { EXPIRE_OFFERS, FINISH_WRAP_UPS, OFFER_ANSWERED, OFFER_FAILED, ROUTE, ROUTE_AGENT, TAKE_OFFERS } from './acd/routing-scripts.ts';
import { POSITION, QUEUES_WITH_WAITING, SNAPSHOT } from './acd/read-scripts.ts';

/** Options of {@link RedisAcdStore}. */
export interface RedisAcdStoreOptions {
  /** Prefix of every key. Default `hotline:acd:`. */
  keyPrefix?: string;
  /** Close the connection in `close()`. Default false: the session store usually owns it. */
  closeConnection?: boolean;
}

const ALL_SCRIPTS: readonly AcdScript[] = [
  SET_QUEUES, LOGIN, LOGOUT, SET_AGENT_STATE, ENQUEUE, SET_PRIORITY, MOVE_CALLER, LEAVE, AGENT_CALL_ENDED, RENAME_CALLER, EXTEND_OFFER,
  ROUTE, ROUTE_AGENT, TAKE_OFFERS, OFFER_ANSWERED, OFFER_FAILED, EXPIRE_OFFERS, FINISH_WRAP_UPS, POSITION, SNAPSHOT, QUEUES_WITH_WAITING,
];
const COUNTER_FIELDS = ['entered', 'answered', 'abandoned', 'answeredInSl', 'abandonedInSl', 'left', 'answerWaitMsSum', 'handleMsSum', 'handled', 'wrapUpMsSum', 'wrapUps'] as const;

/**
 * The ACD in Redis, shared by every Hotline node. Each change is one Lua script (see
 * `acd/lua-prelude.ts` for the key layout), so two nodes never offer one agent two calls nor
 * one caller to two agents. Callers and available agents live in sorted sets, so a routing
 * decision costs O(log n) in the size of the queue.
 *
 * @example
 * const acd = new RedisAcdStore(await createRedisConnection(url));
 * await acd.setQueues([{ name: 'sales', strategy: 'longest-idle', skills: {}, ringTimeoutMs: 20_000, serviceLevelMs: 20_000 }]);
 */
export class RedisAcdStore implements AcdStore {
  readonly #redis: RedisLike;
  readonly #prefix: string;
  readonly #closeConnection: boolean;
  #closed = false;

  constructor(redis: RedisLike, options: RedisAcdStoreOptions = {}) {
    this.#redis = redis;
    this.#prefix = options.keyPrefix ?? 'hotline:acd:';
    this.#closeConnection = options.closeConnection ?? false;
  }

  /** Loads every script into Redis ahead of the first call (optional: `EVALSHA` falls back on `NOSCRIPT`). */
  async init(): Promise<void> {
    await this.#call('init', () => loadScripts(this.#redis, ALL_SCRIPTS));
  }

  async setQueues(queues: readonly QueueRouting[]): Promise<void> {
    const checked = queues.map(checkQueueRouting);
    await this.#script('setQueues', SET_QUEUES, [JSON.stringify(checked)]);
  }

  async login(agent: AgentLogin, now: number): Promise<AgentRecord> {
    const request = checkLogin(agent, now);
    return toAgent(await this.#script('login', LOGIN, [JSON.stringify(request), String(now)]));
  }

  async logout(agentId: string, now: number): Promise<AgentRecord> {
    checkId('agent', agentId);
    checkTime('now', now);
    return toAgent(await this.#script('logout', LOGOUT, [agentId, String(now)], { agentId }));
  }

  async setAgentState(agentId: string, state: 'available' | 'paused', reason: string | undefined, now: number): Promise<AgentRecord> {
    const request = checkStateRequest(state, reason);
    checkId('agent', agentId);
    checkTime('now', now);
    return toAgent(await this.#script('setAgentState', SET_AGENT_STATE, [agentId, request.state, request.reason ?? '', String(now)], { agentId, requested: state }));
  }

  async getAgent(agentId: string): Promise<AgentRecord | undefined> {
    const json = await this.#call('getAgent', () => this.#redis.sendCommand(['GET', `${this.#prefix}agent:${agentId}`]));
    return json == null ? undefined : toAgent(parse(json));
  }

  async listAgents(): Promise<AgentRecord[]> {
    const ids = asStrings(await this.#call('listAgents', () => this.#redis.sendCommand(['SMEMBERS', `${this.#prefix}agents`])));
    if (ids.length === 0) return [];
    const values = await this.#call('listAgents', () => this.#redis.sendCommand(['MGET', ...ids.map((id) => `${this.#prefix}agent:${id}`)]));
    return (Array.isArray(values) ? values : []).filter((v) => v != null).map((v) => toAgent(parse(v))).sort((a, b) => compareIds(a.id, b.id));
  }

  async enqueue(caller: EnqueueRequest, now: number): Promise<QueuedCaller> {
    const request = checkEnqueue(caller, now);
    return toCaller(await this.#script('enqueue', ENQUEUE, [JSON.stringify(request), String(now)]));
  }

  async setPriority(callId: string, priority: number): Promise<QueuedCaller | undefined> {
    checkId('call', callId);
    checkPriority(priority);
    return optional(await this.#script('setPriority', SET_PRIORITY, [callId, String(priority)]), toCaller);
  }

  async moveCaller(callId: string, queue: string, now: number): Promise<QueuedCaller | undefined> {
    checkId('call', callId);
    checkId('queue', queue);
    checkTime('now', now);
    return optional(await this.#script('moveCaller', MOVE_CALLER, [callId, queue, String(now)], { callId }), toCaller);
  }

  async leave(callId: string, reason: LeaveReason, now: number, wrapUpMs: number): Promise<LeaveResult> {
    checkId('call', callId);
    checkLeave(reason, now, wrapUpMs);
    const out = (await this.#script('leave', LEAVE, [callId, reason, String(now), String(wrapUpMs)])) as { caller?: unknown; released?: unknown };
    return { ...(out.caller ? { caller: toCaller(out.caller) } : {}), releasedAgents: asStrings(out.released) };
  }

  async renameCaller(fromCallId: string, toCallId: string, node: string, data?: Record<string, string>): Promise<QueuedCaller | undefined> {
    checkId('call', fromCallId);
    checkId('call', toCallId);
    checkId('node', node);
    const args = [fromCallId, toCallId, node, data === undefined ? '' : JSON.stringify(data)];
    return optional(await this.#script('renameCaller', RENAME_CALLER, args, { callId: fromCallId, to: toCallId }), toCaller);
  }

  async extendOffer(offerId: string, expiresAt: number): Promise<boolean> {
    checkId('offer', offerId);
    checkTime('expiresAt', expiresAt);
    return (await this.#script('extendOffer', EXTEND_OFFER, [offerId, String(expiresAt)])) === true;
  }

  async getCaller(callId: string): Promise<QueuedCaller | undefined> {
    const json = await this.#call('getCaller', () => this.#redis.sendCommand(['GET', `${this.#prefix}caller:${callId}`]));
    return json == null ? undefined : toCaller(parse(json));
  }

  async position(callId: string): Promise<{ position: number; waiting: number; staffed: number } | undefined> {
    checkId('call', callId);
    return optional(await this.#script('position', POSITION, [callId]), (v) => v as { position: number; waiting: number; staffed: number });
  }

  async route(queue: string, now: number, limit = Number.POSITIVE_INFINITY): Promise<Offer[]> {
    checkId('queue', queue);
    checkTime('now', now);
    const max = Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : -1;
    return asArray(await this.#script('route', ROUTE, [queue, String(now), String(max)])).map(toOffer);
  }

  async routeAgent(agentId: string, now: number): Promise<Offer | undefined> {
    checkId('agent', agentId);
    checkTime('now', now);
    return optional(await this.#script('routeAgent', ROUTE_AGENT, [agentId, String(now)]), toOffer);
  }

  async takeOffers(node: string): Promise<Offer[]> {
    checkId('node', node);
    return asStrings(await this.#script('takeOffers', TAKE_OFFERS, [node])).map((json) => toOffer(parse(json)));
  }

  async offerAnswered(offerId: string, agentId: string, now: number): Promise<{ ok: boolean; released: string[] }> {
    checkId('offer', offerId);
    checkId('agent', agentId);
    checkTime('now', now);
    const out = (await this.#script('offerAnswered', OFFER_ANSWERED, [offerId, agentId, String(now)])) as { ok: boolean; released: unknown };
    return { ok: out.ok === true, released: asStrings(out.released) };
  }

  async offerFailed(offerId: string, agentId: string, reason: 'missed' | 'rejected' | 'failed', now: number, maxMissed: number): Promise<OfferFailedResult> {
    checkId('offer', offerId);
    checkId('agent', agentId);
    checkOfferFailure(reason, now, maxMissed);
    const out = (await this.#script('offerFailed', OFFER_FAILED, [offerId, agentId, String(now), String(maxMissed)])) as { agent?: unknown; callerRequeued: boolean };
    return { ...(out.agent ? { agent: toAgent(out.agent) } : {}), callerRequeued: out.callerRequeued === true };
  }

  async expireOffers(now: number): Promise<Offer[]> {
    checkTime('now', now);
    return asArray(await this.#script('expireOffers', EXPIRE_OFFERS, [String(now)])).map(toOffer);
  }

  async agentCallEnded(callId: string, agentId: string, now: number, wrapUpMs: number): Promise<AgentRecord | undefined> {
    checkId('call', callId);
    checkId('agent', agentId);
    checkTime('now', now);
    checkDuration('wrapUpMs', wrapUpMs);
    return optional(await this.#script('agentCallEnded', AGENT_CALL_ENDED, [callId, agentId, String(now), String(wrapUpMs)]), toAgent);
  }

  async finishWrapUps(now: number): Promise<string[]> {
    checkTime('now', now);
    return asStrings(await this.#script('finishWrapUps', FINISH_WRAP_UPS, [String(now)]));
  }

  /** Connected callers are not listed: `callers` holds the waiting and offered ones, in order. */
  async queueSnapshot(queue: string): Promise<QueueSnapshot> {
    checkId('queue', queue);
    const out = (await this.#script('queueSnapshot', SNAPSHOT, [queue])) as { callers: unknown; states: unknown; counters: unknown; recent: unknown };
    const agents: Record<AgentState, number> = { available: 0, offered: 0, 'on-call': 0, 'wrap-up': 0, paused: 0, 'logged-out': 0 };
    for (const state of asStrings(out.states)) agents[state as AgentState]++;
    const flat = asStrings(out.counters);
    const hash = new Map<string, number>();
    for (let i = 0; i + 1 < flat.length; i += 2) hash.set(flat[i]!, Number(flat[i + 1]));
    const counters = Object.fromEntries(COUNTER_FIELDS.map((f) => [f, hash.get(f) ?? 0])) as Omit<QueueCounters, 'recentHandleMs'>;
    return { name: queue, callers: asArray(out.callers).map(toCaller), agents, counters: { ...counters, recentHandleMs: asStrings(out.recent).map(Number) } };
  }

  async queuesWithWaiting(): Promise<string[]> {
    return asStrings(await this.#script('queuesWithWaiting', QUEUES_WITH_WAITING, [])).sort(compareIds);
  }

  async ping(): Promise<void> {
    const reply = await this.#call('ping', () => this.#redis.sendCommand(['PING']));
    if (reply !== 'PONG') throw hotlineError('HOTLINE_ERR_STORE', 'Redis did not answer PING', { reply: String(reply) });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#closeConnection) await this.#redis.close();
  }

  /** Runs a script and unwraps its `{ok}` / `{err, state}` envelope into a value or a HotlineError. */
  async #script(op: string, script: AcdScript, args: string[], details: Record<string, unknown> = {}): Promise<unknown> {
    const raw = await this.#call(op, () => runScript(this.#redis, script, [this.#prefix, ...args]));
    const envelope = parse(raw) as { ok?: unknown; err?: string; state?: string };
    if (envelope.err === 'NOT_FOUND') throw hotlineError('HOTLINE_ERR_NOT_FOUND', `no agent ${String(details.agentId)}`, details);
    if (envelope.err === 'ILLEGAL_STATE') {
      const who = details.agentId !== undefined ? `agent ${String(details.agentId)}` : `caller ${String(details.callId)}`;
      const why = envelope.state === 'logged-out' ? 'is logged out (log in first)' : `is ${envelope.state}`;
      throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `${who} ${why}: ${op} is not allowed now`, { ...details, state: envelope.state });
    }
    if (envelope.err === 'CONFLICT') throw hotlineError('HOTLINE_ERR_CONFLICT', `caller ${String(details.to)} is already queued`, details);
    if (envelope.err !== undefined) throw hotlineError('HOTLINE_ERR_STORE', `ACD script ${script.name} failed: ${envelope.err}`, { op });
    return envelope.ok;
  }

  async #call<T>(op: string, fn: () => Promise<T>): Promise<T> {
    if (this.#closed) throw hotlineError('HOTLINE_ERR_STORE', 'the ACD store is closed', { op });
    try {
      return await fn();
    } catch (err) {
      if (isHotlineError(err)) throw err;
      throw hotlineError('HOTLINE_ERR_STORE', `Redis ${op} failed`, { op }, err);
    }
  }
}

// Lua's cjson writes an empty table as `{}`: lists are normalised on the way out.

function toAgent(raw: unknown): AgentRecord {
  const { wrapQueue: _wrapQueue, ...rec } = raw as AgentRecord & { wrapQueue?: string };
  rec.queues = asStrings(rec.queues);
  rec.requestedQueues = rec.requestedQueues === null ? null : asStrings(rec.requestedQueues);
  return rec;
}

function toCaller(raw: unknown): QueuedCaller {
  const { connectedAt: _connectedAt, ...rec } = raw as QueuedCaller & { connectedAt?: number };
  rec.agentIds = asStrings(rec.agentIds);
  return rec;
}

function toOffer(raw: unknown): Offer {
  const offer = raw as Offer;
  return { ...offer, agentIds: asStrings(offer.agentIds), endpoints: asStrings(offer.endpoints) };
}

function optional<T>(value: unknown, convert: (v: unknown) => T): T | undefined {
  return value === undefined || value === null ? undefined : convert(value);
}

function parse(json: unknown): unknown {
  try {
    return JSON.parse(String(json));
  } catch (err) {
    throw hotlineError('HOTLINE_ERR_STORE', 'the ACD store holds a value that is not valid JSON', {}, err);
  }
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}
