import { Router } from 'express';
import { hotlineError } from '../core/errors.ts';
import type { CallsReader } from './call-routes.ts';
import { bodyObject, numberField, parseIsoTime, stringField } from './validate.ts';

/** The far-end controls of one simulated leg the API uses (`SimLeg`). */
export interface SimLegControl {
  readonly id: string;
  readonly status: string;
  readonly direction?: 'inbound' | 'outbound';
  readonly from?: string;
  readonly to?: string;
  remoteAnswer?(): unknown;
  remoteReject?(): unknown;
  readonly clock?: { now(): number };
  pressDigits(digits: string): unknown;
  say(text: string): unknown;
  remoteHangup(): unknown;
  advance(ms: number): Promise<void>;
}

/** The far-end controls of a simulated agent's phone (an outbound `SimLeg` to `sim:<agentId>`). */
export interface SimAgentLegControl extends SimLegControl {
  remoteAnswer(): unknown;
  remoteReject(): unknown;
}

/** What the API needs of the simulated PBX (`SimTelephonyDriver`). */
export interface SimControl {
  placeCall(request: { to: string; from?: string; callerName?: string; at?: number }): { id: string };
  getLeg(id: string): SimLegControl | undefined;
  /** Simulated agents' phones: whether they pick up by themselves (`auto`) or wait (`manual`). */
  setAgentAnswerMode?(agentId: string, mode: 'auto' | 'manual'): void;
  /** The agent's live (ringing or up) leg, newest first. */
  agentLeg?(agentId: string): SimAgentLegControl | undefined;
  /** Ringing or up outbound legs (agents' phones, callbacks to customers), newest first. */
  outboundLegs?(): SimLegControl[];
  /** Who hears whom: every audio path (`to` hears `from`). */
  audioPaths?(legId?: string): Array<{ from: string; to: string }>;
}

const NUMBER = /^\+?[0-9*#]{1,32}$/;
const AGENT_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const NUMBER_RULE = { pattern: NUMBER, max: 33, describe: 'a phone number or extension (digits, * and #, optional leading +)' };

/**
 * `/api/sim/calls…`: place and drive simulated calls. Answers 409 when Hotline runs on a real
 * PBX, so a script aimed at the wrong server fails loudly.
 */
export function simRoutes(deps: { sim?: SimControl; pbx: string; calls?: Pick<CallsReader, 'getCall'> }): Router {
  const router = Router();
  router.use('/sim', (_req, _res, next) => {
    if (!deps.sim) return next(hotlineError('HOTLINE_ERR_CONFLICT', `simulated calls need PBX=sim (this server runs PBX=${deps.pbx})`));
    next();
  });

  router.post('/sim/calls', async (req, res) => {
    const body = bodyObject(req.body);
    const to = stringField(body, 'to', { required: true, ...NUMBER_RULE })!;
    const from = stringField(body, 'from', NUMBER_RULE);
    const callerName = stringField(body, 'callerName', { max: 64 });
    const atText = stringField(body, 'at', { max: 40 });
    const at = atText === undefined ? undefined : parseIsoTime(atText, 'at');
    const leg = deps.sim!.placeCall({ to, ...(from ? { from } : {}), ...(callerName ? { callerName } : {}), ...(at !== undefined ? { at } : {}) });
    res.status(201).json({ id: leg.id });
  });

  // Calls the PBX placed (a callback to a customer, an agent's phone): the far end's view.
  router.get('/sim/outbound', (_req, res) => {
    const legs = deps.sim!.outboundLegs?.() ?? [];
    res.json({ calls: legs.map((leg) => ({ ...legState(leg), from: leg.from ?? '', to: leg.to ?? '' })) });
  });

  // The far end of a ringing outbound leg picks up, or refuses (busy).
  router.post('/sim/calls/:id/answer', async (req, res) => {
    const leg = await ringingOutbound(deps, req.params.id, 'answer');
    await leg.remoteAnswer!();
    res.json(legState(leg));
  });

  router.post('/sim/calls/:id/reject', async (req, res) => {
    const leg = await ringingOutbound(deps, req.params.id, 'reject');
    await leg.remoteReject!();
    res.json(legState(leg));
  });

  router.post('/sim/calls/:id/dtmf', async (req, res) => {
    const leg = await liveLeg(deps, req.params.id);
    const digits = stringField(bodyObject(req.body), 'digits', { required: true, max: 64, pattern: /^[0-9*#A-D]+$/, describe: 'DTMF digits 0-9, *, #, A-D' })!;
    await leg.pressDigits(digits);
    res.json(legState(leg));
  });

  router.post('/sim/calls/:id/say', async (req, res) => {
    const leg = await liveLeg(deps, req.params.id);
    const text = stringField(bodyObject(req.body), 'text', { required: true, max: 500 })!;
    await leg.say(text);
    res.json(legState(leg));
  });

  // Who hears whom on a call: the caller's leg and every leg sharing audio with it (agent,
  // supervisor), with the number or endpoint each leg dialled, so a test or a trainer can see
  // that a whisper never reaches the caller.
  router.get('/sim/calls/:id/audio-paths', async (req, res) => {
    const leg = await liveLeg(deps, req.params.id);
    const paths = deps.sim!.audioPaths?.() ?? [];
    // The call's audio component: legs reachable from the caller's leg through any path.
    const members = new Set([leg.id]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const p of paths) {
        if (members.has(p.from) !== members.has(p.to)) {
          members.add(p.from);
          members.add(p.to);
          grew = true;
        }
      }
    }
    const legs = [...members].map((id) => {
      const l = deps.sim!.getLeg(id) as (SimLegControl & { to?: string; direction?: string }) | undefined;
      return { id, ...(l?.to !== undefined ? { to: l.to } : {}), ...(l?.direction !== undefined ? { direction: l.direction } : {}) };
    });
    res.json({ legs, paths: paths.filter((p) => members.has(p.from) && members.has(p.to)) });
  });

  router.post('/sim/calls/:id/advance', async (req, res) => {
    const leg = await liveLeg(deps, req.params.id);
    const seconds = numberField(bodyObject(req.body), 'seconds', { required: true, exclusiveMin: 0, max: 86400 })!;
    await leg.advance(seconds * 1000);
    res.json(legState(leg));
  });

  router.delete('/sim/calls/:id', async (req, res) => {
    const leg = await liveLeg(deps, req.params.id);
    await leg.remoteHangup();
    res.json(legState(leg));
  });

  // The agent's side of an ACD offer: pick up, refuse (busy) or hang up the agent's phone.
  router.post('/sim/agents/:id/answer', async (req, res) => {
    const leg = agentLeg(deps.sim!, req.params.id);
    if (leg.status === 'up') {
      throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `agent ${req.params.id} already answered`, { agentId: req.params.id, callId: leg.id });
    }
    await leg.remoteAnswer();
    res.json(legState(leg));
  });

  router.post('/sim/agents/:id/reject', async (req, res) => {
    const leg = agentLeg(deps.sim!, req.params.id);
    if (leg.status === 'up') {
      throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `agent ${req.params.id} is on the call already: hang up instead`, { agentId: req.params.id, callId: leg.id });
    }
    await leg.remoteReject();
    res.json(legState(leg));
  });

  router.post('/sim/agents/:id/hangup', async (req, res) => {
    const leg = agentLeg(deps.sim!, req.params.id);
    await leg.remoteHangup();
    res.json(legState(leg));
  });
  return router;
}

function agentLeg(sim: SimControl, agentId: string): SimAgentLegControl {
  if (!AGENT_ID.test(agentId)) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'agent ids are 1 to 64 letters, digits, `_`, `.` or `-`', { field: 'id' });
  }
  if (!sim.agentLeg) throw hotlineError('HOTLINE_ERR_UNSUPPORTED', 'this simulated PBX has no agent phones');
  const leg = sim.agentLeg(agentId);
  if (!leg) throw hotlineError('HOTLINE_ERR_NO_SUCH_CALL', `agent ${agentId} has no ringing or live call`, { agentId });
  return leg;
}

async function ringingOutbound(deps: { sim?: SimControl; calls?: Pick<CallsReader, 'getCall'> }, id: string, action: 'answer' | 'reject'): Promise<SimLegControl> {
  const leg = await liveLeg(deps, id);
  if (leg.direction !== 'outbound' || leg.status !== 'ringing' || !leg.remoteAnswer || !leg.remoteReject) {
    throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `only a ringing outbound call can be told to ${action}`, { callId: id, status: leg.status });
  }
  return leg;
}

async function liveLeg(deps: { sim?: SimControl; calls?: Pick<CallsReader, 'getCall'> }, id: string): Promise<SimLegControl> {
  const leg = deps.sim!.getLeg(id);
  if (!leg) {
    // The PBX forgets a leg once it is gone; the call record still knows it ended.
    if (await deps.calls?.getCall(id)) throw hotlineError('HOTLINE_ERR_CALL_ENDED', `call ${id} has ended`, { callId: id });
    throw hotlineError('HOTLINE_ERR_NO_SUCH_CALL', `no simulated call ${id}`, { callId: id });
  }
  if (leg.status === 'ended' || leg.status === 'transferred') {
    throw hotlineError('HOTLINE_ERR_CALL_ENDED', `call ${id} has ended`, { callId: id, status: leg.status });
  }
  return leg;
}

function legState(leg: SimLegControl): { id: string; status: string; now?: string } {
  return { id: leg.id, status: leg.status, ...(leg.clock ? { now: new Date(leg.clock.now()).toISOString() } : {}) };
}
