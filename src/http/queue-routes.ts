import { Router } from 'express';
import type { AcdApi } from '../core/acd/acd-api.ts';
import { hotlineError } from '../core/errors.ts';
import { QUEUE_NAME } from './agent-routes.ts';

/**
 * `GET /api/queues` (`{"queues": [...]}`) and `GET /api/queues/{name}`: live queue figures
 * (`QueueView`). An unknown queue is the ACD's 404.
 */
export function queueRoutes(deps: { acd: Pick<AcdApi, 'listQueues' | 'getQueue'> }): Router {
  const router = Router();
  router.get('/queues', async (_req, res) => {
    res.json({ queues: await deps.acd.listQueues() });
  });
  router.get('/queues/:name', async (req, res) => {
    const name = req.params.name;
    if (!QUEUE_NAME.test(name)) {
      throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'queue names are lower-case letters, digits and `-` (up to 64, starting with a letter or digit)', { field: 'name' });
    }
    res.json(await deps.acd.getQueue(name));
  });
  return router;
}
