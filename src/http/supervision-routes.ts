import { Router, type Response } from 'express';
import { hotlineError, isHotlineError } from '../core/errors.ts';
import type { AuditLog, Principal } from '../ports/audit.ts';
import type { SuperviseMode } from '../ports/telephony.ts';
import type { SupervisionView } from '../core/supervision/supervision-service.ts';
import { principalOf } from './auth.ts';
import { auditDenied, denyScoped, queueAllowed } from './roles.ts';
import { bodyObject, onlyFields, stringField } from './validate.ts';

export type { SupervisionView } from '../core/supervision/supervision-service.ts';

/**
 * What the routes need of the `SupervisionService`. It checks the principal's queues itself and
 * writes the `supervision.start|mode|end` audit entries; the routes audit refusals only.
 */
export interface SupervisionApi {
  start(req: { callId: string; endpoint: string; mode: SuperviseMode; principal: Principal }): Promise<SupervisionView>;
  setMode(id: string, mode: SuperviseMode, principal: Principal): Promise<SupervisionView>;
  end(id: string, principal: Principal): Promise<void>;
  /** Throws `HOTLINE_ERR_NO_SUCH_SUPERVISION`. */
  get(id: string): SupervisionView;
  list(): SupervisionView[];
}

/** Where a supervisor's phone is rung (the SupervisionService checks the same). */
export const SUPERVISOR_ENDPOINT = /^(PJSIP|SIP|IAX2)\/[A-Za-z0-9_.@-]{1,64}$|^sim:[A-Za-z0-9_.-]{1,64}$|^user\/[A-Za-z0-9_.@-]{1,64}$/;
const MODES: readonly SuperviseMode[] = ['listen', 'whisper', 'barge', 'takeover'];
const CALL_ID = /^[A-Za-z0-9_.:@-]{1,128}$/;
const SUPERVISION_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * Supervisors on live calls:
 *
 * - `POST /calls/{id}/supervise` `{"endpoint": "PJSIP/sup1", "mode": "listen"|"whisper"|"barge"|"takeover"}` → 201 view
 * - `GET /supervisions` → `{"supervisions": [...]}` (a supervisor's queues only)
 * - `GET /supervisions/{id}`, `PATCH /supervisions/{id}` `{"mode": ...}`, `DELETE /supervisions/{id}` → 204
 *
 * Refusals (another queue, or the service's `HOTLINE_ERR_FORBIDDEN`) are audited as `supervision.denied`.
 */
export function supervisionRoutes(deps: { supervisions: SupervisionApi; audit?: AuditLog; now?: () => number }): Router {
  const router = Router();
  const now = deps.now ?? Date.now;

  router.post('/calls/:id/supervise', async (req, res) => {
    const principal = principalOf(res);
    const callId = req.params.id;
    if (!CALL_ID.test(callId)) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'call ids are 1 to 128 letters, digits and `_ . : @ -`', { field: 'id' });
    const body = bodyObject(req.body);
    onlyFields(body, ['endpoint', 'mode']);
    const endpoint = stringField(body, 'endpoint', {
      required: true, max: 80, pattern: SUPERVISOR_ENDPOINT, describe: 'a supervisor phone such as PJSIP/sup1, SIP/sup1, IAX2/sup1, user/sup1@example.org or sim:sup1',
    })!;
    const mode = modeField(body);
    try {
      res.status(201).json(await deps.supervisions.start({ callId, endpoint, mode, principal }));
    } catch (err) {
      if (isHotlineError(err, 'HOTLINE_ERR_FORBIDDEN')) {
        const queue = typeof err.details?.queue === 'string' ? err.details.queue : undefined;
        await auditDenied(deps.audit, now, principal, { domain: 'supervision', route: 'supervision.start', reason: err.message, callId, ...(queue ? { queue } : {}) });
      }
      throw err;
    }
  });

  router.get('/supervisions', (_req, res) => {
    const principal = principalOf(res);
    res.json({ supervisions: deps.supervisions.list().filter((v) => queueAllowed(principal, v.queue)) });
  });

  router.get('/supervisions/:id', async (req, res) => {
    res.json(await visible(res, req.params.id, 'supervision.get'));
  });

  router.patch('/supervisions/:id', async (req, res) => {
    const body = bodyObject(req.body);
    onlyFields(body, ['mode']);
    const mode = modeField(body);
    const view = await visible(res, req.params.id, 'supervision.mode');
    res.json(await deps.supervisions.setMode(view.id, mode, principalOf(res)));
  });

  router.delete('/supervisions/:id', async (req, res) => {
    const view = await visible(res, req.params.id, 'supervision.end');
    await deps.supervisions.end(view.id, principalOf(res));
    res.status(204).end();
  });

  /** A supervision of the principal's queues, or 404 / 403 (audited). */
  async function visible(res: Response, id: string | undefined, action: string): Promise<SupervisionView> {
    if (id === undefined || !SUPERVISION_ID.test(id)) {
      throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'supervision ids are 1 to 128 letters, digits and `_ . : -`', { field: 'id' });
    }
    const view = deps.supervisions.get(id);
    if (!queueAllowed(principalOf(res), view.queue)) {
      throw await denyScoped(res, deps.audit, now, {
        domain: 'supervision', route: action, reason: `queue ${view.queue ?? '(none)'} is not one of your queues`,
        supervisionId: view.id, callId: view.callId, ...(view.queue !== undefined ? { queue: view.queue } : {}),
      });
    }
    return view;
  }
  return router;
}

function modeField(body: Record<string, unknown>): SuperviseMode {
  if (!(MODES as readonly unknown[]).includes(body.mode)) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `\`mode\` must be ${MODES.map((m) => `\`${m}\``).join(', ')}`, { field: 'mode' });
  }
  return body.mode as SuperviseMode;
}
