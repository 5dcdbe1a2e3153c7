import { Router } from 'express';
import { hotlineError } from '../core/errors.ts';
import type { CallView } from '../core/call/types.ts';

/** What the call routes need of the call service. */
export interface CallsReader {
  getCall(callId: string): Promise<CallView | undefined>;
  listCalls(filter?: { state?: 'active' | 'ended' }): Promise<CallView[]>;
}

/** `GET /api/calls[?state=active|ended]`, `GET /api/calls/{id}`. */
export function callRoutes(calls: CallsReader): Router {
  const router = Router();
  router.get('/calls', async (req, res) => {
    const state = req.query.state;
    if (state !== undefined && state !== 'active' && state !== 'ended') {
      throw hotlineError('HOTLINE_ERR_BAD_REQUEST', '`state` must be `active` or `ended`', { field: 'state' });
    }
    res.json({ calls: await calls.listCalls(state ? { state } : undefined) });
  });
  router.get('/calls/:id', async (req, res) => {
    const call = await calls.getCall(req.params.id);
    if (!call) throw hotlineError('HOTLINE_ERR_NO_SUCH_CALL', `no call ${req.params.id}`, { callId: req.params.id });
    res.json(call);
  });
  return router;
}
