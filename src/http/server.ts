import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import type { AcdApi } from '../core/acd/acd-api.ts';
import type { CallServiceListener } from '../core/call/types.ts';
import type { Logger } from '../ports/logger.ts';
import type { SessionStore } from '../ports/stores.ts';
import type { TelephonyDriver } from '../ports/telephony.ts';
import type { HotlineMetrics } from '../observability/metrics.ts';
import { agentRoutes } from './agent-routes.ts';
import { bearerAuth } from './auth.ts';
import { callRoutes, type CallsReader } from './call-routes.ts';
import { demoCrmRoutes } from './demo-crm-routes.ts';
import { errorHandler, notFoundHandler } from './error-handler.ts';
import { eventStreamRoutes } from './event-stream.ts';
import { healthRoutes } from './health-routes.ts';
import { requestLogger } from './request-log.ts';
import { queueRoutes } from './queue-routes.ts';
import { simRoutes, type SimControl } from './sim-routes.ts';
import { soundRoutes } from './sound-routes.ts';

/** Everything the HTTP layer talks to. */
export interface HttpDeps {
  logger: Logger;
  adminToken: string;
  soundsDir: string;
  pbx: string;
  driver: TelephonyDriver;
  store: SessionStore;
  calls: CallsReader;
  metrics: HotlineMetrics;
  /** The simulated PBX's far-end controls, when PBX=sim. */
  sim?: SimControl;
  /** Clock of the demo CRM (delivery dates). */
  now?: () => number;
  /** The ACD: `/api/agents…`, `/api/queues…` and `/api/events` mount only when it is given. */
  acd?: AcdApi;
  /** Call events for the live stream (`CallService.on`). */
  events?: { on(listener: CallServiceListener): () => void };
}

/** The web page's static files. */
export const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'public');

/**
 * Builds the express app: probes, the admin API (`/api/*`, bearer token), the demo CRM, prompt
 * audio and the web page; JSON errors everywhere.
 */
export function createHttpApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestLogger(deps.logger));
  app.use(healthRoutes(deps));
  app.use('/api', bearerAuth(deps.adminToken), express.json({ limit: '64kb' }));
  app.use('/api', callRoutes(deps.calls));
  app.use('/api', simRoutes(deps));
  if (deps.acd) {
    app.use('/api', agentRoutes({ acd: deps.acd, pbx: deps.pbx, ...(deps.sim ? { sim: deps.sim } : {}) }));
    app.use('/api', queueRoutes({ acd: deps.acd }));
    app.use('/api', eventStreamRoutes({ acd: deps.acd, ...(deps.events ? { events: deps.events } : {}) }));
  }
  app.use('/demo/crm', demoCrmRoutes(deps.now ? { now: deps.now } : {}));
  app.use(soundRoutes(deps.soundsDir));
  app.use(express.static(PUBLIC_DIR, { index: 'index.html', dotfiles: 'deny' }));
  app.use(notFoundHandler);
  app.use(errorHandler({ logger: deps.logger, onServerError: (code) => deps.metrics.recordError(code) }));
  return app;
}
