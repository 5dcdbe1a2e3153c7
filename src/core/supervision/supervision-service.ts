import { randomBytes } from 'node:crypto';
import type { QueuedCaller } from '../../ports/acd-store.ts';
import type { AuditLog, Principal } from '../../ports/audit.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { CallLeg, HangupCause, SuperviseMode, Supervision, TelephonyDriver } from '../../ports/telephony.ts';
import type { AcdConnection } from '../acd/live-callers.ts';
import { hotlineError, isHotlineError } from '../errors.ts';
import { assertEndpoint, assertMode, deniedReason } from './supervision-rules.ts';

/** A supervision as the API shows it. */
export type SupervisionView = {
  id: string;
  callId: string;
  queue?: string;
  agentId?: string;
  /** Name of the principal who started it. */
  supervisor: string;
  endpoint: string;
  mode: SuperviseMode;
  state: 'ringing' | 'active' | 'ended';
  startedAt: string;
  endedAt?: string;
  /** Modes in the order they were set (the first is the requested one). */
  modes: Array<{ mode: SuperviseMode; at: string }>;
  /** `api`, `caller-hangup`, `agent-hangup`, `supervisor-hangup`, `no-answer`, `busy`, `failed`, ... */
  endReason?: string;
};

/** What supervision needs from the ACD (the ACD service). */
export interface SupervisedAcd {
  readonly node: string;
  connectionOf(callId: string): AcdConnection | undefined;
  callerOf(callId: string): Promise<QueuedCaller | undefined>;
  takeover(callId: string, supervisorLeg: CallLeg, switchAudio?: () => Promise<void>): Promise<void>;
}

/** What the supervision service is built from. */
export interface SupervisionServiceDeps {
  driver: TelephonyDriver;
  acd: SupervisedAcd;
  clock: Clock;
  logger: Logger;
  audit?: AuditLog;
  /** How long the supervisor's phone rings. Default 30 s. */
  ringTimeoutMs?: number;
  /** Ended supervisions kept for `get`/`list`. Default 200. */
  keepEnded?: number;
}

interface Entry {
  view: SupervisionView;
  starter: Principal;
  callerLeg: CallLeg;
  agentLeg: CallLeg;
  supervisorLeg?: CallLeg;
  handle?: Supervision;
  history: Array<{ mode: SuperviseMode; at: number }>;
  answeredAt?: number;
  takenOver: boolean;
  unsubscribe: Array<() => void>;
  /** Mode switches run one at a time. */
  queue: Promise<unknown>;
}

/**
 * Supervisors on agents' calls: rings the supervisor's phone, joins it to the call in a mode
 * (listen, whisper, barge, takeover) through the driver, switches modes without dropping the
 * supervisor's leg, and cleans up when anyone hangs up. Only calls connected on this node can be
 * supervised (the PBX objects live here); others answer `HOTLINE_ERR_WRONG_NODE`.
 *
 * @example
 * const sup = new SupervisionService({ driver, acd, clock: systemClock, logger, audit });
 * const view = await sup.start({ callId, endpoint: 'PJSIP/300', mode: 'listen', principal });
 * await sup.setMode(view.id, 'whisper', principal);
 */
export class SupervisionService {
  readonly #deps: SupervisionServiceDeps;
  readonly #logger: Logger;
  readonly #entries = new Map<string, Entry>();
  readonly #ended: string[] = [];

  constructor(deps: SupervisionServiceDeps) {
    this.#deps = deps;
    this.#logger = deps.logger.child({ component: 'supervision' });
  }

  /**
   * Rings `endpoint` and, once answered, joins it to the call in `mode`. Resolves as soon as the
   * phone rings (state `ringing`).
   * @throws `HOTLINE_ERR_BAD_REQUEST` (mode, endpoint), `HOTLINE_ERR_FORBIDDEN` (queue not the
   * principal's), `HOTLINE_ERR_WRONG_NODE` (details.node), `HOTLINE_ERR_ILLEGAL_STATE` (not
   * connected to an agent), `HOTLINE_ERR_CONFLICT` (already supervised), `HOTLINE_ERR_UNSUPPORTED`.
   */
  async start(req: { callId: string; endpoint: string; mode: SuperviseMode; principal: Principal }): Promise<SupervisionView> {
    const { callId, endpoint, mode, principal } = req;
    assertMode(mode);
    assertEndpoint(endpoint);
    const { driver, acd } = this.#deps;
    const connection = acd.connectionOf(callId);
    const caller = connection ? undefined : await acd.callerOf(callId);
    const queue = connection?.queue ?? caller?.queue;
    if (queue !== undefined) await this.#authorize(principal, queue, 'start', { callId, queue });
    if (!connection) {
      if (caller && caller.node !== acd.node) {
        throw hotlineError('HOTLINE_ERR_WRONG_NODE', `call ${callId} is driven by node ${caller.node}`, { callId, node: caller.node });
      }
      throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `call ${callId} is not connected to an agent`, { callId });
    }
    if (connection.takenOverAt !== undefined) throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `call ${callId} was taken over by a supervisor`, { callId });
    const busy = [...this.#entries.values()].find((e) => e.view.callId === callId && e.view.state !== 'ended');
    if (busy) throw hotlineError('HOTLINE_ERR_CONFLICT', `call ${callId} is already supervised`, { callId, supervisionId: busy.view.id });
    const callerLeg = driver.getLeg(callId);
    if (!callerLeg) throw hotlineError('HOTLINE_ERR_CALL_ENDED', `call ${callId} has ended`, { callId });
    if (!driver.originate || !driver.supervise) throw hotlineError('HOTLINE_ERR_UNSUPPORTED', `the ${driver.name} driver cannot supervise calls`);

    const id = `sup-${randomBytes(6).toString('hex')}`;
    const supervisorLeg = await driver.originate({
      to: endpoint,
      timeoutMs: this.#deps.ringTimeoutMs ?? 30_000,
      purpose: 'supervisor',
      variables: { hotline_supervision_id: id },
    });
    const now = this.#now();
    const entry: Entry = {
      view: {
        id,
        callId,
        queue: connection.queue,
        agentId: connection.agentId,
        supervisor: principal.name,
        endpoint,
        mode,
        state: 'ringing',
        startedAt: iso(now),
        modes: [{ mode, at: iso(now) }],
      },
      starter: principal,
      callerLeg,
      agentLeg: connection.leg,
      supervisorLeg,
      history: [{ mode, at: now }],
      takenOver: false,
      unsubscribe: [],
      queue: Promise.resolve(),
    };
    this.#entries.set(id, entry);
    this.#logger.info({ supervisionId: id, callId, queue: connection.queue, mode, supervisor: principal.name }, 'supervisor ringing');
    // Watching starts before anything else is awaited, so an early answer or hang-up is not missed.
    this.#watch(entry, callerLeg, 'caller-hangup');
    this.#watch(entry, connection.leg, 'agent-hangup');
    entry.unsubscribe.push(
      supervisorLeg.subscribe((event) => {
        if (event.type === 'call.answered') void this.#serialize(entry, () => this.#activate(entry));
        else if (event.type === 'call.hangup') void this.#finish(entry, entry.view.state === 'ringing' ? unreachable(event.cause) : 'supervisor-hangup');
      }),
    );
    await this.#audit(principal, 'supervision.start', entry, { mode, endpoint });
    // The caller or the agent may have hung up while the supervisor's phone was being dialled.
    if (!driver.getLeg(callId)) await this.#finish(entry, 'caller-hangup');
    else if (acd.connectionOf(callId)?.leg !== connection.leg) await this.#finish(entry, 'agent-hangup');
    return this.#copy(entry);
  }

  /**
   * Switches mode; the supervisor's leg stays up. While the phone rings the new mode applies on
   * answer. A takeover is final.
   * @throws `HOTLINE_ERR_NO_SUCH_SUPERVISION`, `HOTLINE_ERR_FORBIDDEN`, `HOTLINE_ERR_ILLEGAL_STATE` (ended, or after a takeover).
   */
  async setMode(id: string, mode: SuperviseMode, principal: Principal): Promise<SupervisionView> {
    assertMode(mode);
    const entry = this.#entry(id);
    await this.#authorize(principal, entry.view.queue, 'mode', { callId: entry.view.callId, supervisionId: id });
    await this.#serialize(entry, async () => {
      const from = entry.view.mode;
      if (entry.view.state === 'ended') throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `supervision ${id} has ended`, { id });
      if (mode === from) return;
      if (from === 'takeover') throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', 'a call taken over cannot go back to the agent', { id });
      if (entry.view.state === 'active') {
        if (mode === 'takeover') await this.#takeover(entry);
        else await entry.handle?.setMode(mode);
      }
      const now = this.#now();
      entry.view.mode = mode;
      entry.history.push({ mode, at: now });
      entry.view.modes.push({ mode, at: iso(now) });
      this.#logger.info({ supervisionId: id, callId: entry.view.callId, from, to: mode }, 'supervision mode changed');
      await this.#audit(principal, 'supervision.mode', entry, { from, to: mode });
    });
    return this.#copy(entry);
  }

  /**
   * Ends the supervision and hangs up the supervisor's leg; idempotent once ended. After a
   * takeover this ends the caller's conversation with the supervisor (the flow goes on).
   * @throws `HOTLINE_ERR_NO_SUCH_SUPERVISION`, `HOTLINE_ERR_FORBIDDEN`.
   */
  async end(id: string, principal: Principal): Promise<void> {
    const entry = this.#entry(id);
    await this.#authorize(principal, entry.view.queue, 'end', { callId: entry.view.callId, supervisionId: id });
    await this.#finish(entry, 'api', principal);
  }

  /** @throws `HOTLINE_ERR_NO_SUCH_SUPERVISION` */
  get(id: string): SupervisionView {
    return this.#copy(this.#entry(id));
  }

  /** Supervisions running, then recently ended ones, oldest first. */
  list(): SupervisionView[] {
    return [...this.#entries.values()].map((e) => this.#copy(e));
  }

  // internals --------------------------------------------------------------------------------

  async #activate(entry: Entry): Promise<void> {
    const leg = entry.supervisorLeg;
    const supervise = this.#deps.driver.supervise?.bind(this.#deps.driver);
    if (entry.view.state !== 'ringing' || !leg || !supervise) return;
    const request = { supervisionId: entry.view.id, callerLegId: entry.view.callId, agentLegId: entry.agentLeg.id, supervisorLegId: leg.id };
    let handle: Supervision | undefined;
    try {
      if (entry.view.mode === 'takeover') {
        await this.#takeover(entry, async () => {
          handle = entry.handle = await supervise({ ...request, mode: 'takeover' });
        });
      } else {
        handle = entry.handle = await supervise({ ...request, mode: entry.view.mode });
      }
    } catch (err) {
      this.#logger.warn({ supervisionId: entry.view.id, err: isHotlineError(err) ? err.code : String(err) }, 'could not join the supervisor to the call');
      await this.#finish(entry, 'failed');
      return;
    }
    if (entry.view.state !== 'ringing') {
      // Ended while the PBX was joining the supervisor.
      await handle?.end().catch(() => {});
      return;
    }
    entry.answeredAt = this.#now();
    entry.view.state = 'active';
    this.#logger.info({ supervisionId: entry.view.id, callId: entry.view.callId, mode: entry.view.mode }, 'supervisor joined the call');
  }

  /** The ACD hands the caller to the supervisor; the driver moves the audio in between. */
  async #takeover(entry: Entry, switchAudio: () => Promise<void> = async () => entry.handle?.setMode('takeover')): Promise<void> {
    const leg = entry.supervisorLeg;
    if (!leg) throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', 'the supervisor has no leg', { id: entry.view.id });
    entry.takenOver = true; // the agent's leg going away is part of the takeover now
    try {
      await this.#deps.acd.takeover(entry.view.callId, leg, switchAudio);
    } catch (err) {
      entry.takenOver = false;
      throw err;
    }
  }

  #watch(entry: Entry, leg: CallLeg, reason: 'caller-hangup' | 'agent-hangup'): void {
    entry.unsubscribe.push(
      leg.subscribe((event) => {
        if (event.type !== 'call.hangup') return;
        if (reason === 'agent-hangup' && entry.takenOver) return;
        void this.#finish(entry, reason);
      }),
    );
  }

  async #finish(entry: Entry, reason: string, by?: Principal): Promise<void> {
    if (entry.view.state === 'ended') return;
    const now = this.#now();
    const wasActive = entry.view.state === 'active';
    entry.view.state = 'ended';
    entry.view.endedAt = iso(now);
    entry.view.endReason = reason;
    for (const off of entry.unsubscribe.splice(0)) off();
    try {
      await entry.handle?.end();
    } catch (err) {
      this.#logger.warn({ supervisionId: entry.view.id, err: String(err) }, 'ending the supervision on the PBX failed');
    }
    await entry.supervisorLeg?.hangup('normal').catch((err: unknown) => {
      if (!isHotlineError(err, 'HOTLINE_ERR_CALL_ENDED')) this.#logger.warn({ supervisionId: entry.view.id, err: String(err) }, 'supervisor hang-up failed');
    });
    const modes = wasActive ? durations(entry.history, entry.answeredAt ?? now, now) : [];
    const durationMs = modes.reduce((sum, m) => sum + m.ms, 0);
    this.#logger.info({ supervisionId: entry.view.id, callId: entry.view.callId, reason, durationMs }, 'supervision ended');
    await this.#audit(by ?? entry.starter, 'supervision.end', entry, { durationMs, reason, modes });
    this.#ended.push(entry.view.id);
    while (this.#ended.length > (this.#deps.keepEnded ?? 200)) this.#entries.delete(this.#ended.shift() ?? '');
  }

  async #authorize(principal: Principal, queue: string | undefined, op: string, ids: { callId: string; queue?: string; supervisionId?: string }): Promise<void> {
    const reason = deniedReason(principal, queue);
    if (reason === undefined) return;
    await this.#append({
      actor: principal.name,
      role: principal.role,
      action: 'supervision.denied',
      callId: ids.callId,
      ...(queue !== undefined ? { queue } : {}),
      ...(ids.supervisionId !== undefined ? { supervisionId: ids.supervisionId } : {}),
      details: { op, reason },
    });
    throw hotlineError('HOTLINE_ERR_FORBIDDEN', reason, { callId: ids.callId, ...(queue !== undefined ? { queue } : {}) });
  }

  async #audit(principal: Principal, action: string, entry: Entry, details: Record<string, unknown>): Promise<void> {
    await this.#append({
      actor: principal.name,
      role: principal.role,
      action,
      callId: entry.view.callId,
      ...(entry.view.queue !== undefined ? { queue: entry.view.queue } : {}),
      supervisionId: entry.view.id,
      details,
    });
  }

  async #append(entry: Omit<Parameters<AuditLog['append']>[0], 'at'>): Promise<void> {
    try {
      await this.#deps.audit?.append({ ...entry, at: this.#now() });
    } catch (err) {
      // An audit store outage must not strand a supervisor on a call; it is logged loudly.
      this.#logger.error({ err: String(err), action: entry.action }, 'audit append failed');
    }
  }

  /** Runs `fn` after the entry's earlier operations; a failure is reported to the caller only. */
  #serialize(entry: Entry, fn: () => Promise<void>): Promise<void> {
    const run = entry.queue.then(fn, fn);
    entry.queue = run.catch(() => {});
    return run;
  }

  #entry(id: string): Entry {
    const entry = this.#entries.get(id);
    if (!entry) throw hotlineError('HOTLINE_ERR_NO_SUCH_SUPERVISION', `no supervision ${id}`, { id });
    return entry;
  }

  #copy(entry: Entry): SupervisionView {
    return structuredClone(entry.view);
  }

  #now(): number {
    return this.#deps.clock.now();
  }
}

/** Time spent in each mode while the supervisor was on the call, in order of first use. */
function durations(history: ReadonlyArray<{ mode: SuperviseMode; at: number }>, answeredAt: number, endedAt: number): Array<{ mode: SuperviseMode; ms: number }> {
  const out: Array<{ mode: SuperviseMode; ms: number }> = [];
  history.forEach((h, i) => {
    const until = history[i + 1]?.at ?? endedAt;
    // A mode replaced while the phone still rang was never heard.
    if (i < history.length - 1 && until <= answeredAt) return;
    const from = Math.max(h.at, answeredAt);
    let slot = out.find((o) => o.mode === h.mode);
    if (!slot) out.push((slot = { mode: h.mode, ms: 0 }));
    slot.ms += Math.max(0, until - from);
  });
  return out;
}

function unreachable(cause: HangupCause): string {
  return cause === 'normal' ? 'supervisor-hangup' : cause;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
