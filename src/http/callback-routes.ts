import { Router } from 'express';
import type { CallbackService } from '../core/callback/callback-service.ts';
import { callbackView } from '../core/callback/callback-view.ts';
import { hotlineError } from '../core/errors.ts';
import { CALLBACK_STATES, type CallbackState } from '../ports/callback-store.ts';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import type { CallbackRecord } from '../ports/callback-store.ts';
import { principalOf } from './auth.ts';
import { queueAllowed, queueScope } from './roles.ts';
import { bodyObject, numberField, onlyFields, parseIsoTime, stringField } from './validate.ts';

const ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const QUEUE = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** What {@link callbackRoutes} needs. */
export interface CallbackRoutesDeps {
  callbacks: Pick<CallbackService, 'list' | 'get' | 'cancel' | 'reschedule' | 'scheduleAt'>;
  /** True for a queue the queue files define. */
  queueExists(name: string): boolean;
}

/**
 * The callback API:
 * - `GET /api/callbacks?state=&queue=&limit=` — newest first (`{"callbacks": [...]}`),
 * - `POST /api/callbacks` `{"number", "queue", "at"?, "priority"?}` — a callback at a chosen
 *   time (default now), deferred to the queue's opening; 201. An `Idempotency-Key` header
 *   makes a retried request return the callback it created,
 * - `GET /api/callbacks/{id}` — number, mode, queue, due time, attempts with outcomes, final outcome,
 * - `DELETE /api/callbacks/{id}` — cancel (409 when final),
 * - `POST /api/callbacks/{id}/reschedule` `{"at": "<ISO 8601>"}` — 400 with `details.reason`
 *   (`past`, `after-expiry`, `closed-until-expiry`) or for a malformed time; 409 when final.
 *
 * Supervisors see and act on the callbacks of their queues only (403 otherwise; lists are
 * filtered); admins on all.
 */
export function callbackRoutes(deps: CallbackRoutesDeps): Router {
  const router = Router();
  router.get('/callbacks', async (req, res) => {
    const query = req.query as Record<string, unknown>;
    const state = stringField(query, 'state', { pattern: new RegExp(`^(?:${CALLBACK_STATES.join('|')})$`), describe: `one of ${CALLBACK_STATES.join(', ')}` });
    const queue = stringField(query, 'queue', { max: 64, pattern: QUEUE, describe: 'a queue name (lower-case letters, digits and `-`)' });
    const limitText = stringField(query, 'limit', { max: 4, pattern: /^\d+$/, describe: 'a whole number from 1 to 1000' });
    const limit = limitText === undefined ? undefined : Number(limitText);
    if (limit !== undefined && (limit < 1 || limit > 1000)) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', '`limit` must be a whole number from 1 to 1000', { field: 'limit' });
    const principal = principalOf(res);
    if (queue !== undefined && !queueAllowed(principal, queue)) throw forbidden(queue);
    const scope = queueScope(principal);
    const filter = {
      ...(state !== undefined ? { state: state as CallbackState } : {}),
      ...(queue !== undefined ? { queue } : {}),
      ...(limit !== undefined ? { limit } : {}),
    };
    // A supervisor of several queues: one listing per queue, merged newest first.
    const records =
      scope === '*' || queue !== undefined
        ? await deps.callbacks.list(filter)
        : (await Promise.all(scope.map((q) => deps.callbacks.list({ ...filter, queue: q })))).flat().sort((a, b) => b.createdAt - a.createdAt).slice(0, limit ?? 100);
    res.json({ callbacks: records.map(callbackView) });
  });
  router.post('/callbacks', async (req, res) => {
    const body = bodyObject(req.body);
    onlyFields(body, ['number', 'queue', 'at', 'priority']);
    const number = stringField(body, 'number', { required: true, max: 32, pattern: /^\+?[0-9(][0-9 ().-]{2,30}$/, describe: 'a phone number (digits, optionally a leading + and separators)' })!;
    const queue = stringField(body, 'queue', { required: true, max: 64, pattern: QUEUE, describe: 'a queue name (lower-case letters, digits and `-`)' })!;
    if (!deps.queueExists(queue)) throw hotlineError('HOTLINE_ERR_NOT_FOUND', `no queue \`${queue}\``, { field: 'queue' });
    if (!queueAllowed(principalOf(res), queue)) throw forbidden(queue);
    const atText = stringField(body, 'at', { max: 40 });
    const at = atText === undefined ? undefined : parseIsoTime(atText, 'at');
    const priority = numberField(body, 'priority', { min: 0, max: 100 });
    const key = req.get('idempotency-key');
    if (key !== undefined && !ID.test(key)) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', '`Idempotency-Key` must be 1–128 letters, digits or `_.:-`', { field: 'Idempotency-Key' });
    const record = await deps.callbacks.scheduleAt({ requestId: `api:${key ?? randomUUID()}`, number, queue, ...(at !== undefined ? { at } : {}), ...(priority !== undefined ? { priority } : {}) });
    res.status(201).json(callbackView(record));
  });
  router.get('/callbacks/:id', async (req, res) => {
    res.json(callbackView(await scoped(res, checkId(req.params.id))));
  });
  router.delete('/callbacks/:id', async (req, res) => {
    const id = checkId(req.params.id);
    await scoped(res, id);
    res.json(callbackView(await deps.callbacks.cancel(id)));
  });
  router.post('/callbacks/:id/reschedule', async (req, res) => {
    const id = checkId(req.params.id);
    await scoped(res, id);
    const body = bodyObject(req.body);
    const at = parseIsoTime(stringField(body, 'at', { required: true, max: 40 })!, 'at');
    res.json(callbackView(await deps.callbacks.reschedule(id, at)));
  });
  /** The callback, when the principal may see its queue (a supervisor of another queue gets a 403). */
  async function scoped(res: Response, id: string): Promise<CallbackRecord> {
    const record = await deps.callbacks.get(id);
    if (!queueAllowed(principalOf(res), record.queue)) throw forbidden(record.queue);
    return record;
  }
  return router;
}

function forbidden(queue: string) {
  return hotlineError('HOTLINE_ERR_FORBIDDEN', `not a supervisor of queue ${queue}`, { queue });
}

function checkId(id: string): string {
  if (!ID.test(id)) throw hotlineError('HOTLINE_ERR_NO_SUCH_CALLBACK', 'no such callback', { field: 'id' });
  return id;
}
