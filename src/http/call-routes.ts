import { Router } from 'express';
import { hotlineError } from '../core/errors.ts';
import type { CallView } from '../core/call/types.ts';
import type { LiveCallView } from '../core/supervision/live-calls.ts';
import type { OutboundLegView } from '../core/call/outbound-legs.ts';
import { principalOf } from './auth.ts';
import { QUEUE_NAME } from './agent-routes.ts';
import { queueScope } from './roles.ts';

/** What the call routes need of the call service. */
export interface CallsReader {
  getCall(callId: string): Promise<CallView | undefined>;
  listCalls(filter?: { state?: 'active' | 'ended' }): Promise<CallView[]>;
}

export type { LiveCallView } from '../core/supervision/live-calls.ts';

/** Live call views (wire: `{ list: (filter) => listLiveCalls(calls, acd, filter) }`). */
export interface LiveCallsReader {
  list(filter: { queue?: string; queues?: readonly string[] | '*' }): Promise<LiveCallView[]> | LiveCallView[];
}

/** Calls Hotline placed that are up now (`OutboundLegs`). */
export interface OutboundReader {
  list(): OutboundLegView[];
  get(id: string): OutboundLegView | undefined;
}

/**
 * `GET /api/calls[?state=active|ended]`, `GET /api/calls?queue=billing` and
 * `GET /api/calls?view=live` (live views), `GET /api/calls/{id}`.
 *
 * The plain listing also holds the calls Hotline placed (`"direction": "outbound"`, `to` = what
 * was dialled, `leg` = `ringing` or `up`); one that runs a flow (an answered callback) is shown
 * as that call. Supervisors always get live views, limited to their queues.
 */
export function callRoutes(calls: CallsReader, options: { liveCalls?: LiveCallsReader; outbound?: OutboundReader } = {}): Router {
  const router = Router();
  router.get('/calls', async (req, res) => {
    const principal = principalOf(res);
    const { state, queue, view } = req.query;
    if (state !== undefined && state !== 'active' && state !== 'ended') {
      throw hotlineError('HOTLINE_ERR_BAD_REQUEST', '`state` must be `active` or `ended`', { field: 'state' });
    }
    if (queue !== undefined && (typeof queue !== 'string' || !QUEUE_NAME.test(queue))) {
      throw hotlineError('HOTLINE_ERR_BAD_REQUEST', '`queue` must be a queue name (lower-case letters, digits and `-`)', { field: 'queue' });
    }
    if (view !== undefined && view !== 'live') throw hotlineError('HOTLINE_ERR_BAD_REQUEST', '`view` must be `live`', { field: 'view' });
    const live = queue !== undefined || view === 'live' || principal.role !== 'admin';
    if (!live) {
      const listed: Array<CallView | OutboundLegView> = await calls.listCalls(state ? { state } : undefined);
      if (state !== 'ended' && options.outbound) {
        const withFlow = new Set(listed.map((c) => c.id));
        listed.push(...options.outbound.list().filter((o) => !withFlow.has(o.id)));
      }
      res.json({ calls: listed });
      return;
    }
    if (state !== undefined) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', '`state` does not go with live views (they are active calls)', { field: 'state' });
    if (!options.liveCalls) throw hotlineError('HOTLINE_ERR_UNSUPPORTED', 'live call views need the ACD (not configured on this server)');
    const scope = queueScope(principal);
    const views = await options.liveCalls.list({ ...(queue !== undefined ? { queue } : {}), queues: scope });
    // The reader filters already; this keeps a supervisor's view right even if it did not.
    res.json({ calls: scope === '*' ? views : views.filter((v) => v.queue !== undefined && scope.includes(v.queue)) });
  });
  router.get('/calls/:id', async (req, res) => {
    const call = (await calls.getCall(req.params.id)) ?? options.outbound?.get(req.params.id);
    if (!call) throw hotlineError('HOTLINE_ERR_NO_SUCH_CALL', `no call ${req.params.id}`, { callId: req.params.id });
    res.json(call);
  });
  return router;
}
