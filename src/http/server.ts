import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import type { AcdApi } from '../core/acd/acd-api.ts';
import type { CallServiceListener } from '../core/call/types.ts';
import type { Logger } from '../ports/logger.ts';
import type { SessionStore } from '../ports/stores.ts';
import type { TelephonyDriver } from '../ports/telephony.ts';
import type { HotlineMetrics } from '../observability/metrics.ts';
import type { ApiToken } from '../config/tokens-file.ts';
import { hotlineError, isHotlineError } from '../core/errors.ts';
import type { AuditLog } from '../ports/audit.ts';
import { agentRoutes } from './agent-routes.ts';
import { auditRoutes } from './audit-routes.ts';
import { apiAuth } from './auth.ts';
import { callRoutes, type CallsReader, type LiveCallsReader, type OutboundReader } from './call-routes.ts';
import { demoCrmRoutes } from './demo-crm-routes.ts';
import { errorHandler, notFoundHandler } from './error-handler.ts';
import { eventStreamRoutes } from './event-stream.ts';
import { healthRoutes } from './health-routes.ts';
import { requestLogger } from './request-log.ts';
import { queueRoutes } from './queue-routes.ts';
import { recordingRoutes, type RecordingsApi } from './recording-routes.ts';
import { authorize } from './roles.ts';
import { simRoutes, type SimControl } from './sim-routes.ts';
import { soundRoutes } from './sound-routes.ts';
import { supervisionRoutes, type SupervisionApi } from './supervision-routes.ts';
import { callbackRoutes, type CallbackRoutesDeps } from './callback-routes.ts';

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
  /** Clock of the demo CRM (delivery dates) and of audit entries. */
  now?: () => number;
  /** The ACD: `/api/agents…`, `/api/queues…` and `/api/events` mount only when it is given. */
  acd?: AcdApi;
  /** Call events for the live stream (`CallService.on`). */
  events?: { on(listener: CallServiceListener): () => void };
  /** Principals of the tokens file (`config.apiTokens`); the admin token works besides them. */
  principals?: readonly ApiToken[];
  /** The audit log: recording accesses and refusals, `GET /api/audit`. Required with `recordings`. */
  audit?: AuditLog;
  /** `/api/recordings…` and `POST /api/calls/{id}/recording` (the `RecordingService`). */
  recordings?: RecordingsApi;
  /** `POST /api/calls/{id}/supervise`, `/api/supervisions…` (the `SupervisionService`). */
  supervisions?: SupervisionApi;
  /** `/api/callbacks…` (the `CallbackService`, and which queues exist). */
  callbacks?: { service: CallbackRoutesDeps['callbacks']; queueExists(name: string): boolean };
  /** Calls Hotline placed, listed by `GET /api/calls` besides the calls running flows. */
  outbound?: OutboundReader;
  /** Live call views: `GET /api/calls?queue=` (`listLiveCalls`). */
  liveCalls?: LiveCallsReader;
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
  if (deps.recordings && !deps.audit) throw hotlineError('HOTLINE_ERR_CONFIG', 'recordings need an audit log (HttpDeps.audit): every access is audited');
  const now = deps.now ?? Date.now;
  const acd = deps.acd;
  app.use(
    '/api',
    apiAuth({ adminToken: deps.adminToken, ...(deps.principals ? { tokens: deps.principals } : {}) }),
    express.json({ limit: '64kb' }),
    authorize({ ...(deps.audit ? { audit: deps.audit } : {}), now, ...(acd ? { agentQueues: (id: string) => agentQueues(acd, id) } : {}) }),
  );
  app.use('/api', callRoutes(deps.calls, { ...(deps.liveCalls ? { liveCalls: deps.liveCalls } : {}), ...(deps.outbound ? { outbound: deps.outbound } : {}) }));
  if (deps.recordings && deps.audit) {
    app.use('/api', recordingRoutes({
      recordings: deps.recordings, audit: deps.audit, calls: deps.calls, now,
      ...(deps.liveCalls ? { liveCalls: deps.liveCalls } : {}),
    }));
  }
  if (deps.callbacks) app.use('/api', callbackRoutes({ callbacks: deps.callbacks.service, queueExists: deps.callbacks.queueExists }));
  if (deps.supervisions) app.use('/api', supervisionRoutes({ supervisions: deps.supervisions, now, ...(deps.audit ? { audit: deps.audit } : {}) }));
  if (deps.audit) app.use('/api', auditRoutes({ audit: deps.audit }));
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

/** The queues an agent serves; undefined for an unknown agent (its route answers the 404). */
async function agentQueues(acd: AcdApi, agentId: string): Promise<readonly string[] | undefined> {
  try {
    return (await acd.getAgent(agentId)).queues;
  } catch (err) {
    if (isHotlineError(err) && err.statusCode === 404) return undefined;
    throw err;
  }
}
