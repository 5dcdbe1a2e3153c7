import { Router } from 'express';
import type { SessionStore } from '../ports/stores.ts';
import type { TelephonyDriver } from '../ports/telephony.ts';
import type { HotlineMetrics } from '../observability/metrics.ts';

/** `GET /health`, `GET /ready`, `GET /metrics` (no auth: probes and scrapers). */
export function healthRoutes(deps: { driver: TelephonyDriver; store: SessionStore; metrics: HotlineMetrics; pingTimeoutMs?: number }): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/ready', async (_req, res) => {
    const pbx = safe(() => deps.driver.isReady());
    const store = await withTimeout(deps.store.ping(), deps.pingTimeoutMs ?? 1000);
    const ready = pbx && store;
    res.status(ready ? 200 : 503).json({ ready, pbx, store });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}

function safe(fn: () => boolean): boolean {
  try {
    return fn() === true;
  } catch {
    return false;
  }
}

async function withTimeout(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
