import { Router, type Response } from 'express';
import { hotlineError } from '../core/errors.ts';
import type { AuditLog, Principal } from '../ports/audit.ts';
import type { RecordingFilter, RecordingMeta, RecordingTarget } from '../ports/recordings.ts';
import { QUEUE_NAME } from './agent-routes.ts';
import { appendAudit, limitParam, queryString } from './audit-routes.ts';
import { principalOf } from './auth.ts';
import type { CallsReader, LiveCallsReader } from './call-routes.ts';
import { denyScoped, queueAllowed, queueScope } from './roles.ts';
import { bodyObject, onlyFields } from './validate.ts';

/** What the recording routes need of the `RecordingService` (`src/core/recording/recording-service.ts`). */
export interface RecordingsApi {
  list(filter?: RecordingFilter): Promise<RecordingMeta[]>;
  /** Throws `HOTLINE_ERR_NO_SUCH_RECORDING`. */
  get(id: string): Promise<RecordingMeta>;
  audio(id: string): Promise<Uint8Array>;
  remove(id: string): Promise<void>;
  pause(callId: string, reason: 'api'): Promise<void>;
  resume(callId: string, reason: 'api'): Promise<void>;
  stop(callId: string, target?: RecordingTarget): Promise<void>;
  active(callId: string): RecordingMeta[];
  isPaused(callId: string): boolean;
  /** Starts an on-demand recording of a live call (`source: api`); without it `start` answers 501. */
  startOnDemand?(callId: string, request: { target: RecordingTarget }): Promise<RecordingMeta>;
}

/** Dependencies of {@link recordingRoutes}. */
export interface RecordingRoutesDeps {
  recordings: RecordingsApi;
  /** Every access and every refusal is written here. */
  audit: AuditLog;
  /** Which agent a call is connected to, and its queue (agents may pause only their own call). */
  liveCalls?: LiveCallsReader;
  /** Unknown calls answer 404, ended ones 409. */
  calls?: Pick<CallsReader, 'getCall'>;
  now?: () => number;
}

/** Recording ids (they are also PBX file names). */
export const RECORDING_ID = /^[A-Za-z0-9_.-]{1,80}$/;
const CALL_ID = /^[A-Za-z0-9_.:@-]{1,128}$/;
const ACTIONS = ['start', 'stop', 'pause', 'resume'] as const;
type Action = (typeof ACTIONS)[number];

/**
 * Recordings, every access audited (`recording.list|get|audio|delete|start|stop|pause|resume`,
 * refusals `recording.denied`):
 *
 * - `GET /recordings?call=&queue=&limit=` → `{"recordings": [...]}` (a supervisor's queues only)
 * - `GET /recordings/{id}` → metadata; `GET /recordings/{id}/audio` → `audio/wav`
 * - `DELETE /recordings/{id}` → 204 (admins)
 * - `POST /calls/{id}/recording` `{"action": "start"|"stop"|"pause"|"resume", "target"?: "call"|"conversation"}`
 *   → `{"callId", "paused", "recordings"}`. An agent may only pause and resume the call it is on
 *   (the PCI pause while the caller reads out a card number).
 */
export function recordingRoutes(deps: RecordingRoutesDeps): Router {
  const router = Router();
  const now = deps.now ?? Date.now;
  const audit = (res: Response, action: string, subject: Parameters<typeof appendAudit>[4]) => appendAudit(deps.audit, now, principalOf(res), action, subject);

  router.get('/recordings', async (req, res) => {
    const principal = principalOf(res);
    const callId = queryString(req.query.call, 'call', CALL_ID, 'a call id');
    const queue = queryString(req.query.queue, 'queue', QUEUE_NAME, 'a queue name (lower-case letters, digits and `-`)');
    const limit = limitParam(req.query.limit);
    if (queue !== undefined && !queueAllowed(principal, queue)) {
      throw await denyScoped(res, deps.audit, now, { domain: 'recording', route: 'recording.list', reason: `queue ${queue} is not one of your queues`, queue, callId });
    }
    const scope = queueScope(principal);
    const filter: RecordingFilter = {
      ...(callId !== undefined ? { callId } : {}),
      ...(queue !== undefined ? { queue } : {}),
      ...(scope !== '*' ? { queues: scope } : {}),
      ...(limit !== undefined ? { limit } : {}),
    };
    const found = (await deps.recordings.list(filter)).filter((m) => queueAllowed(principal, m.queue));
    await audit(res, 'recording.list', { callId, queue, details: { count: found.length, ...(limit !== undefined ? { limit } : {}) } });
    res.json({ recordings: found });
  });

  router.get('/recordings/:id', async (req, res) => {
    const meta = await readable(res, req.params.id, 'recording.get');
    await audit(res, 'recording.get', subjectOf(meta));
    res.json(meta);
  });

  router.get('/recordings/:id/audio', async (req, res) => {
    const meta = await readable(res, req.params.id, 'recording.audio');
    const bytes = await deps.recordings.audio(meta.id);
    // Audited before a byte leaves: an access that cannot be recorded does not happen.
    await audit(res, 'recording.audio', { ...subjectOf(meta), details: { bytes: bytes.byteLength } });
    res.status(200).set({
      'content-type': 'audio/wav',
      'content-length': String(bytes.byteLength),
      'content-disposition': `attachment; filename="${meta.id}.wav"`,
      'cache-control': 'no-store',
    });
    res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });

  router.delete('/recordings/:id', async (req, res) => {
    const meta = await deps.recordings.get(recordingId(req.params.id));
    await deps.recordings.remove(meta.id);
    await audit(res, 'recording.delete', subjectOf(meta));
    res.status(204).end();
  });

  router.post('/calls/:id/recording', async (req, res) => {
    const principal = principalOf(res);
    const callId = req.params.id;
    if (!CALL_ID.test(callId)) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'call ids are 1 to 128 letters, digits and `_ . : @ -`', { field: 'id' });
    const { action, target } = actionBody(req.body);
    if (deps.calls) {
      const call = await deps.calls.getCall(callId);
      if (!call) throw hotlineError('HOTLINE_ERR_NO_SUCH_CALL', `no call ${callId}`, { callId });
      if (call.state === 'ended') throw hotlineError('HOTLINE_ERR_CALL_ENDED', `call ${callId} has ended`, { callId });
    }
    const where = await callPlace(deps, callId);
    const refuse = (reason: string) => denyScoped(res, deps.audit, now, { domain: 'recording', route: `recording.${action}`, reason, callId, queue: where.queue });
    if (principal.role === 'agent') {
      if (action !== 'pause' && action !== 'resume') throw await refuse('agents may only pause and resume recordings');
      if (where.agentId === undefined || where.agentId !== principal.agentId) throw await refuse(`agent ${principal.agentId ?? '(none)'} is not connected to call ${callId}`);
    } else if (!queueAllowed(principal, where.queue)) {
      throw await refuse(where.queue === undefined ? `call ${callId} is in no queue of yours` : `queue ${where.queue} is not one of your queues`);
    }
    await runAction(deps.recordings, callId, action, target);
    const active = deps.recordings.active(callId);
    await audit(res, `recording.${action}`, {
      callId,
      queue: where.queue,
      ...(active.length === 1 ? { recordingId: active[0]!.id } : {}),
      details: { recordingIds: active.map((m) => m.id), ...(action === 'start' || action === 'stop' ? { target: target ?? 'all' } : {}) },
    });
    res.json({ callId, paused: deps.recordings.isPaused(callId), recordings: active });
  });

  /** A recording the principal may read, or 404 / 403 (audited). */
  async function readable(res: Response, id: string | undefined, action: string): Promise<RecordingMeta> {
    const principal: Principal = principalOf(res);
    const meta = await deps.recordings.get(recordingId(id));
    if (!queueAllowed(principal, meta.queue)) {
      throw await denyScoped(res, deps.audit, now, {
        domain: 'recording', route: action, ...subjectOf(meta),
        reason: meta.queue === undefined ? `recording ${meta.id} belongs to no queue (admins only)` : `queue ${meta.queue} is not one of your queues`,
      });
    }
    return meta;
  }
  return router;
}

function subjectOf(meta: RecordingMeta): { recordingId: string; callId: string; queue?: string } {
  return { recordingId: meta.id, callId: meta.callId, ...(meta.queue !== undefined ? { queue: meta.queue } : {}) };
}

function recordingId(value: string | undefined): string {
  if (value === undefined || !RECORDING_ID.test(value)) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'recording ids are 1 to 80 letters, digits, `_`, `.` or `-`', { field: 'id' });
  }
  return value;
}

function actionBody(raw: unknown): { action: Action; target?: RecordingTarget } {
  const body = bodyObject(raw);
  onlyFields(body, ['action', 'target']);
  if (!(ACTIONS as readonly unknown[]).includes(body.action)) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', '`action` must be `start`, `stop`, `pause` or `resume`', { field: 'action' });
  }
  const action = body.action as Action;
  if (body.target === undefined) return { action };
  if (body.target !== 'call' && body.target !== 'conversation') {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', '`target` must be `call` or `conversation`', { field: 'target' });
  }
  if (action !== 'start' && action !== 'stop') {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', '`target` goes with `start` and `stop` only (pause and resume act on every recording of the call)', { field: 'target' });
  }
  return { action, target: body.target };
}

/** The call's queue and the agent it is connected to: live views first, else its recordings. */
async function callPlace(deps: RecordingRoutesDeps, callId: string): Promise<{ queue?: string; agentId?: string }> {
  if (deps.liveCalls) {
    const view = (await deps.liveCalls.list({ queues: '*' })).find((v) => v.id === callId);
    if (view) {
      return {
        ...(view.queue !== undefined ? { queue: view.queue } : {}),
        ...(view.state === 'connected' && view.agent ? { agentId: view.agent.id } : {}),
      };
    }
  }
  const meta = deps.recordings.active(callId).find((m) => m.queue !== undefined || m.agentId !== undefined);
  return { ...(meta?.queue !== undefined ? { queue: meta.queue } : {}), ...(meta?.agentId !== undefined ? { agentId: meta.agentId } : {}) };
}

async function runAction(recordings: RecordingsApi, callId: string, action: Action, target: RecordingTarget | undefined): Promise<void> {
  switch (action) {
    case 'pause':
      return recordings.pause(callId, 'api');
    case 'resume':
      return recordings.resume(callId, 'api');
    case 'stop':
      return recordings.stop(callId, target);
    case 'start':
      if (!recordings.startOnDemand) throw hotlineError('HOTLINE_ERR_UNSUPPORTED', 'on-demand recording is not available on this server');
      await recordings.startOnDemand(callId, { target: target ?? 'call' });
  }
}
