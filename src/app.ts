import { resolve } from 'node:path';
import { EspeakSynthesizer } from './adapters/espeak-tts/espeak-synthesizer.ts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { HotlineConfig } from './config/schema.ts';
import { hotlineError } from './core/errors.ts';
import { CallService } from './core/call/call-service.ts';
import { compileFlow } from './core/flow/compile.ts';
import { formatDiagnostic } from './core/flow/diagnostics.ts';
import { FlowRegistry } from './core/flow/registry.ts';
import type { Clock } from './ports/clock.ts';
import type { HttpClient } from './ports/http-client.ts';
import type { Logger } from './ports/logger.ts';
import type { SoundLibrary } from './ports/sounds.ts';
import type { FlowVersionStore, SessionStore } from './ports/stores.ts';
import type { TelephonyDriver } from './ports/telephony.ts';
import { systemClock } from './adapters/clock/system-clock.ts';
import { FetchHttpClient } from './adapters/fetch-http/fetch-http-client.ts';
import { FsSoundLibrary } from './adapters/fs-sounds/fs-sound-library.ts';
import { MemoryFlowVersionStore } from './adapters/memory/memory-flow-version-store.ts';
import { MemorySessionStore } from './adapters/memory/memory-session-store.ts';
import { SimTelephonyDriver } from './adapters/sim/sim-driver.ts';
import { createHttpApp } from './http/server.ts';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { AcdService } from './core/acd/acd-service.ts';
import { QueueRegistry } from './core/acd/queue-registry.ts';
import type { AcdStore } from './ports/acd-store.ts';
import { MemoryAcdStore } from './adapters/memory/memory-acd-store.ts';
import { ScreenPopWebhook } from './adapters/webhook/screen-pop-webhook.ts';
import { attachAcdMetrics } from './observability/acd-metrics.ts';
import type { SimControl } from './http/sim-routes.ts';
import { createLogger } from './observability/logger.ts';
import type { AuditLog } from './ports/audit.ts';
import type { RecordingStore } from './ports/recordings.ts';
import { MemoryAuditLog } from './adapters/memory/memory-audit-log.ts';
import { MemoryRecordingStore } from './adapters/memory/memory-recording-store.ts';
import { RecordingService } from './core/recording/recording-service.ts';
import { SupervisionService } from './core/supervision/supervision-service.ts';
import { listLiveCalls } from './core/supervision/live-calls.ts';
import { createMetrics, type HotlineMetrics } from './observability/metrics.ts';
import type { CallbackStore } from './ports/callback-store.ts';
import type { JobQueue } from './ports/job-queue.ts';
import { MemoryCallbackStore } from './adapters/memory/memory-callback-store.ts';
import { MemoryJobQueue } from './adapters/memory/memory-job-queue.ts';
import { JobRunner } from './core/jobs/job-runner.ts';
import { CallbackService } from './core/callback/callback-service.ts';
import { CALLBACK_JOB_KIND } from './core/callback/callback-types.ts';
import { TelephonyDialer } from './core/callback/callback-dialer.ts';
import { CallbackFlowHost } from './core/callback/callback-flow-host.ts';
import { createNumberPolicy } from './core/callback/number-policy.ts';
import { OutboundLegs } from './core/call/outbound-legs.ts';

/** Adapters a caller (tests, `simulate`) may supply instead of the ones the config picks. */
export type AppOverrides = Partial<{
  driver: TelephonyDriver;
  store: SessionStore;
  versions: FlowVersionStore;
  acdStore: AcdStore;
  recordingStore: RecordingStore;
  audit: AuditLog;
  callbackStore: CallbackStore;
  jobs: JobQueue;
  clock: Clock;
  /** This node's id in the shared ACD (default: host, pid and a random suffix). */
  node: string;
  logger: Logger;
  http: HttpClient;
}>;

/** A wired Hotline: every adapter, the call service and the HTTP app. */
export interface HotlineApp {
  readonly config: HotlineConfig;
  readonly logger: Logger;
  readonly driver: TelephonyDriver;
  readonly store: SessionStore;
  readonly registry: FlowRegistry;
  readonly calls: CallService;
  readonly acd: AcdService;
  readonly queues: QueueRegistry;
  readonly recordings: RecordingService;
  readonly supervisions: SupervisionService;
  readonly callbacks: CallbackService;
  /** Runs durable jobs (callback attempts) on this node. */
  readonly jobs: JobRunner;
  readonly audit: AuditLog;
  readonly metrics: HotlineMetrics;
  readonly sounds: SoundLibrary;
  /** The express app (no socket until {@link HotlineApp.listen}). */
  readonly server: Express;
  /** Listens on `config.host:config.port` (or the given port; 0 picks a free one). */
  listen(options?: { port?: number; host?: string }): Promise<{ port: number }>;
  /** Stops HTTP, hot reload and sessions (calls stay on the PBX), the driver and the store. */
  close(): Promise<void>;
}

/**
 * The composition root: picks adapters from `config` (sim / ARI / ESL; Redis when `redisUrl`
 * is set, memory otherwise), loads the flows (refusing to start when none loads), starts hot
 * reload and the driver, and builds the HTTP app.
 *
 * @example
 * const app = await createApp(loadConfig());
 * const { port } = await app.listen();
 */
export async function createApp(config: HotlineConfig, overrides: AppOverrides = {}): Promise<HotlineApp> {
  const logger: Logger = overrides.logger ?? (createLogger({ level: config.logLevel }) as unknown as Logger);
  const sounds = await FsSoundLibrary.load(config.soundsDir);
  const closers: Array<() => Promise<void> | void> = [];

  let store = overrides.store;
  let versions = overrides.versions;
  let acdStore = overrides.acdStore;
  let recordingStore = overrides.recordingStore;
  let audit = overrides.audit;
  let callbackStore = overrides.callbackStore;
  let jobQueue = overrides.jobs;
  if ((!store || !versions || !acdStore || !recordingStore || !audit || !callbackStore || !jobQueue) && config.redisUrl) {
    const redis = await import('./adapters/redis/redis-client.ts');
    const conn = await redis.createRedisConnection(config.redisUrl, { logger });
    store ??= new redis.RedisSessionStore(conn);
    versions ??= new redis.RedisFlowVersionStore(conn);
    if (!acdStore) {
      const { RedisAcdStore } = await import('./adapters/redis/redis-acd-store.ts');
      acdStore = new RedisAcdStore(conn);
    }
    if (!recordingStore) recordingStore = new (await import('./adapters/redis/redis-recording-store.ts')).RedisRecordingStore(conn);
    if (!audit) audit = new (await import('./adapters/redis/redis-audit-log.ts')).RedisAuditLog(conn);
    // Callbacks are never kept in process memory when Redis is configured: a restarted node picks them up.
    if (!callbackStore) callbackStore = new (await import('./adapters/redis/redis-callback-store.ts')).RedisCallbackStore(conn);
    if (!jobQueue) jobQueue = new (await import('./adapters/redis/redis-job-queue.ts')).RedisJobQueue(conn);
    // Idempotent: the session store closes it too when it owns it.
    closers.push(() => conn.close());
  }
  const sessions: SessionStore = store ?? new MemorySessionStore();
  const flowVersions: FlowVersionStore = versions ?? new MemoryFlowVersionStore();

  const acdState: AcdStore = acdStore ?? new MemoryAcdStore();
  const recordingState: RecordingStore = recordingStore ?? new MemoryRecordingStore();
  const auditLog: AuditLog = audit ?? new MemoryAuditLog();
  const callbackState: CallbackStore = callbackStore ?? new MemoryCallbackStore();
  const jobState: JobQueue = jobQueue ?? new MemoryJobQueue({ now: () => (overrides.clock ?? systemClock).now() });

  // Every call Hotline places (agents, callbacks, supervisors) is listed by `GET /api/calls` while it is up.
  const outbound = new OutboundLegs({ clock: overrides.clock ?? systemClock, driver: config.pbx });
  const driver = outbound.track(overrides.driver ?? (await createDriver(config, sounds, logger, overrides.clock ?? systemClock)));
  const queues = new QueueRegistry({ dir: resolve(config.flowsDir, 'queues'), logger });
  const queueLoad = await queues.load();
  for (const d of queueLoad.diagnostics) (d.severity === 'error' ? logger.error : logger.warn).call(logger, { diagnostic: d }, formatDiagnostic(d));
  const registry = new FlowRegistry({
    // Without queue files (a flows directory from before queues existed) queue names go unchecked.
    ...(queues.names().length > 0 ? { knownQueues: () => queues.names() } : {}),
    recordedQueues: () => queues.list().filter((q) => q.recording !== 'none').map((q) => q.name),
    recordingPause: driver.canPauseRecordings === true,
    dir: config.flowsDir,
    compile: compileFlow,
    sounds,
    transferAllow: [...config.transferAllow],
    versions: flowVersions,
    logger,
  });
  const { loaded, diagnostics } = await registry.load();
  for (const d of diagnostics) (d.severity === 'error' ? logger.error : logger.warn).call(logger, { diagnostic: d }, formatDiagnostic(d));
  if (loaded.length === 0) {
    const text = diagnostics.map(formatDiagnostic).join('\n');
    throw hotlineError('HOTLINE_ERR_FLOW_INVALID', `no flow loaded from ${config.flowsDir}${text ? `:\n${text}` : ' (no *.yaml files)'}`, {
      flowsDir: config.flowsDir,
      diagnostics,
    });
  }

  const calls = new CallService({
    driver,
    flows: registry,
    store: sessions,
    clock: overrides.clock ?? systemClock,
    http: overrides.http ?? new FetchHttpClient(),
    logger,
    settings: { ...config.settings },
    defaultFlow: config.defaultFlow,
    transferAllow: [...config.transferAllow],
    endedRetentionMs: config.endedCallRetentionSeconds * 1000,
    ...(config.secretKey ? { secretKey: Buffer.from(config.secretKey, 'hex') } : {}),
  });
  const clock = overrides.clock ?? systemClock;
  const node = overrides.node ?? nodeId();
  const recordings: RecordingService = new RecordingService({
    store: recordingState,
    ...(driver.recordingMedia ? { media: driver.recordingMedia } : {}),
    clock,
    logger,
    node,
    driver: driver.name,
    audit: auditLog,
    retentionMs: config.recordingRetentionDays > 0 ? config.recordingRetentionDays * 86_400_000 : null,
    // On-demand recordings (`POST /api/calls/{id}/recording`): the call's leg, or its bridge with the agent.
    locate: async (callId, target) => {
      const connection = acd.connectionOf(callId);
      const handle = target === 'conversation' ? connection?.bridge : driver.getLeg(callId);
      const call = await calls.getCall(callId);
      if (!handle) {
        if (call?.state === 'active') throw hotlineError('HOTLINE_ERR_WRONG_NODE', `call ${callId} is driven by another node`, { callId });
        return undefined;
      }
      return { flowId: call?.flow ?? 'unknown', handle, ...(connection ? { queue: connection.queue, agentId: connection.agentId } : {}) };
    },
  });
  calls.useRecordings(recordings);
  const acd: AcdService = new AcdService({ store: acdState, queues, driver, calls, clock, logger, node, recordings });
  calls.useQueues(acd);
  const supervisions = new SupervisionService({ driver, acd, clock, logger, audit: auditLog });

  // Callbacks: durable attempt jobs, dialled through the PBX, their calls running flows/callback.yaml.
  const dialer = new TelephonyDialer({
    driver,
    calls,
    acd,
    connectOf: (queue) => queues.get(queue)?.callback.connect,
    logger,
    ringTimeoutMs: config.callbackRingSeconds * 1000,
    ...(config.callbackCallerId ? { lineNumber: config.callbackCallerId } : {}),
  });
  const callbacks = new CallbackService({
    store: callbackState,
    jobs: jobState,
    clock,
    logger,
    dialer,
    hoursOf: (queue) => queues.get(queue)?.hours,
    policy: (queue) => {
      const cb = queues.get(queue)?.callback;
      return {
        maxAttempts: cb?.maxAttempts ?? 3,
        retryEveryMs: cb?.retryEveryMs ?? 300_000,
        capacity: cb?.slotCapacity ?? 5,
        expireAfterMs: cb?.expireAfterMs ?? 86_400_000,
      };
    },
    numbers: createNumberPolicy(config.callbackAllow),
  });
  acd.useCallbacks({ due: (id) => callbacks.dueNow(id) });
  callbacks.usePlaces(acd); // a cancelled or expired kept place leaves the ACD line
  calls.useCallbacks(new CallbackFlowHost({ callbacks, acd, onRescheduled: dialer.markRescheduled }));
  const jobs = new JobRunner({ queue: jobState, clock, logger, node, leaseMs: config.jobLeaseSeconds * 1000, batch: config.callbackConcurrency });
  jobs.handle(CALLBACK_JOB_KIND, callbacks.attemptHandler);
  const stopRetention = recordings.startRetention();
  const metrics = createMetrics();
  const detachMetrics = metrics.attach(calls);
  attachAcdMetrics(metrics.registry, acd, { logger });
  const webhook = config.screenPop?.url && config.screenPop.secret ? new ScreenPopWebhook({ url: config.screenPop.url, secret: config.screenPop.secret, logger }) : undefined;
  const detachWebhook = webhook?.attach(acd);
  const stopWatch = registry.watch();
  const stopQueueWatch = queues.watch();
  await acd.start();
  await driver.start(calls.handleIncoming);
  jobs.start();
  logger.info({ flows: loaded, pbx: driver.name }, 'hotline started');

  const sim = isSimControl(driver) ? driver : undefined;
  const server = createHttpApp({
    logger,
    adminToken: config.adminToken,
    soundsDir: config.soundsDir,
    pbx: config.pbx,
    driver,
    store: sessions,
    calls,
    metrics,
    acd,
    events: calls,
    ...(sim ? { sim } : {}),
    ...(config.apiTokens ? { principals: config.apiTokens } : {}),
    audit: auditLog,
    recordings,
    supervisions,
    callbacks: { service: callbacks, queueExists: (name) => queues.get(name) !== undefined },
    liveCalls: { list: (filter) => listLiveCalls(calls, acd, filter) },
    outbound,
    now: () => clock.now(),
  });

  let http: Server | undefined;
  let closing: Promise<void> | undefined;
  return {
    config, logger, driver, store: sessions, registry, calls, acd, queues, recordings, supervisions, callbacks, jobs, audit: auditLog, metrics, sounds, server,
    async listen(options = {}) {
      http = createServer(server);
      const h = http;
      await new Promise<void>((resolve, reject) => {
        h.once('error', (err) => reject(hotlineError('HOTLINE_ERR_CONFIG', `cannot listen on ${options.host ?? config.host}:${options.port ?? config.port}: ${err.message}`, {}, err)));
        h.listen(options.port ?? config.port, options.host ?? config.host, () => resolve());
      });
      return { port: (h.address() as AddressInfo).port };
    },
    close() {
      closing ??= (async () => {
        if (http) {
          const h = http;
          h.closeAllConnections?.();
          await new Promise<void>((resolve) => h.close(() => resolve()));
        }
        stopWatch();
        stopQueueWatch();
        stopRetention();
        detachMetrics();
        detachWebhook?.();
        acd.stop();
        // Attempts still dialling are left to their leases: another node (or this one restarted) redelivers them.
        const jobsStopped = jobs.stop();
        await webhook?.idle();
        await calls.shutdown();
        let giveUp: NodeJS.Timeout | undefined;
        await Promise.race([jobsStopped, new Promise((r) => (giveUp = setTimeout(r, 2000)))]);
        clearTimeout(giveUp);
        await driver.stop();
        await sessions.close();
        await acdState.close();
        await recordingState.close();
        await auditLog.close();
        await callbackState.close();
        await jobState.close();
        for (const close of closers) await close();
      })();
      return closing;
    },
  };
}

/**
 * Text prompts on a PBX that plays only files: rendered into `<SOUNDS_DIR>/tts/`, which the PBX
 * sees as part of Hotline's sounds (`sound:hotline/tts/…`, `<soundsDir>/tts/….wav`).
 */
function synthesizerFor(config: HotlineConfig): EspeakSynthesizer {
  return new EspeakSynthesizer({ dir: resolve(config.soundsDir, 'tts') });
}

async function createDriver(config: HotlineConfig, sounds: SoundLibrary, logger: Logger, clock: Clock): Promise<TelephonyDriver> {
  switch (config.pbx) {
    case 'sim':
      // Calls Hotline places start at the app's time (a test's manual clock, too).
      return new SimTelephonyDriver({ sounds, realtime: config.simRealtime, logger, now: () => clock.now(), ...(config.recordingsDir ? { recordingsDir: resolve(config.recordingsDir) } : {}) });
    case 'ari': {
      const { createAriDriver } = await import('./adapters/ari/index.ts');
      const ari = config.ari!;
      return createAriDriver({ url: ari.url, username: ari.username, password: ari.password, app: ari.app, logger, synthesizer: synthesizerFor(config) });
    }
    case 'esl': {
      const { createEslDriver } = await import('./adapters/esl/index.ts');
      const esl = config.esl!;
      return createEslDriver({
        host: esl.host,
        port: esl.port,
        password: esl.password,
        listen: esl.listen,
        logger,
        synthesizer: synthesizerFor(config),
        ...(esl.recordingsDir ? { recordingsDir: esl.recordingsDir } : {}),
        ...(esl.recordingsReadDir ? { recordingsReadDir: resolve(esl.recordingsReadDir) } : {}),
      });
    }
  }
}

/** A node id unique across restarts: offers are mailed to it, so a restarted node never reads its predecessor's mail as its own. */
function nodeId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

function isSimControl(driver: TelephonyDriver): driver is TelephonyDriver & SimControl {
  return typeof (driver as Partial<SimControl>).placeCall === 'function';
}
