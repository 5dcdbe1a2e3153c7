import { Router } from 'express';
import type { CallbackService } from '../core/callback/callback-service.ts';
import { callbackView } from '../core/callback/callback-view.ts';
import { hotlineError } from '../core/errors.ts';
import { CALLBACK_STATES, type CallbackState } from '../ports/callback-store.ts';
import { bodyObject, parseIsoTime, stringField } from './validate.ts';

const ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const QUEUE = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * The callback API:
 * - `GET /api/callbacks?state=&queue=&limit=` — newest first (`{"callbacks": [...]}`),
 * - `GET /api/callbacks/{id}` — number, mode, queue, due time, attempts with outcomes, final outcome,
 * - `DELETE /api/callbacks/{id}` — cancel (409 when final),
 * - `POST /api/callbacks/{id}/reschedule` `{"at": "<ISO 8601>"}` — 400 with `details.reason`
 *   (`past`, `after-expiry`, `closed-until-expiry`) or for a malformed time; 409 when final.
 */
export function callbackRoutes(deps: { callbacks: Pick<CallbackService, 'list' | 'get' | 'cancel' | 'reschedule'> }): Router {
  const router = Router();
  router.get('/callbacks', async (req, res) => {
    const query = req.query as Record<string, unknown>;
    const state = stringField(query, 'state', { pattern: new RegExp(`^(?:${CALLBACK_STATES.join('|')})$`), describe: `one of ${CALLBACK_STATES.join(', ')}` });
    const queue = stringField(query, 'queue', { max: 64, pattern: QUEUE, describe: 'a queue name (lower-case letters, digits and `-`)' });
    const limitText = stringField(query, 'limit', { max: 4, pattern: /^\d+$/, describe: 'a whole number from 1 to 1000' });
    const limit = limitText === undefined ? undefined : Number(limitText);
    if (limit !== undefined && (limit < 1 || limit > 1000)) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', '`limit` must be a whole number from 1 to 1000', { field: 'limit' });
    const records = await deps.callbacks.list({
      ...(state !== undefined ? { state: state as CallbackState } : {}),
      ...(queue !== undefined ? { queue } : {}),
      ...(limit !== undefined ? { limit } : {}),
    });
    res.json({ callbacks: records.map(callbackView) });
  });
  router.get('/callbacks/:id', async (req, res) => {
    res.json(callbackView(await deps.callbacks.get(checkId(req.params.id))));
  });
  router.delete('/callbacks/:id', async (req, res) => {
    res.json(callbackView(await deps.callbacks.cancel(checkId(req.params.id))));
  });
  router.post('/callbacks/:id/reschedule', async (req, res) => {
    const id = checkId(req.params.id);
    const body = bodyObject(req.body);
    const at = parseIsoTime(stringField(body, 'at', { required: true, max: 40 })!, 'at');
    res.json(callbackView(await deps.callbacks.reschedule(id, at)));
  });
  return router;
}

function checkId(id: string): string {
  if (!ID.test(id)) throw hotlineError('HOTLINE_ERR_NO_SUCH_CALLBACK', 'no such callback', { field: 'id' });
  return id;
}
