import { settle } from '../../src/adapters/clock/manual-clock.ts';
import { systemClock } from '../../src/adapters/clock/system-clock.ts';
import { MemorySessionStore } from '../../src/adapters/memory/memory-session-store.ts';
import { MemorySoundLibrary } from '../../src/adapters/memory/memory-sound-library.ts';
import { SimTelephonyDriver } from '../../src/adapters/sim/sim-driver.ts';
import type { SimLeg } from '../../src/adapters/sim/sim-leg.ts';
import { CallService, type CallServiceDeps, type FlowResolver } from '../../src/core/call/call-service.ts';
import type { CallServiceEvent } from '../../src/core/call/types.ts';
import { compileFlow } from '../../src/core/flow/compile.ts';
import type { CompiledFlow } from '../../src/core/flow/compiled.ts';
import type { FlowDocument } from '../../src/core/flow/types.ts';
import type { HttpClient, HttpRequest, HttpResponse } from '../../src/ports/http-client.ts';
import { silentLogger, type Logger } from '../../src/ports/logger.ts';
import type { SessionStore } from '../../src/ports/stores.ts';
import type { SoundLibrary } from '../../src/ports/sounds.ts';

/** Compiles flow documents and serves them like the registry does. */
export function resolverFor(docs: FlowDocument[]): FlowResolver & { compiled: CompiledFlow[] } {
  const byId = new Map(docs.map((d) => [d.id, { doc: d, file: `${d.id}.yaml`, version: `v-${d.id}` }]));
  const compiled = docs.map((d) => compileFlow(byId.get(d.id)!, (id) => byId.get(id)));
  return {
    compiled,
    byNumber: (n) => compiled.find((c) => c.numbers.includes(n)),
    byId: (id) => compiled.find((c) => c.id === id),
    byVersion: async (v) => compiled.find((c) => c.version === v),
  };
}

/** An HTTP client answering from a table, recording what it was asked (flows' CRM calls). */
export class TableHttpClient implements HttpClient {
  readonly requests: HttpRequest[] = [];
  constructor(private readonly answer: (req: HttpRequest) => HttpResponse | Error) {}
  async request(req: HttpRequest): Promise<HttpResponse> {
    this.requests.push(req);
    const res = this.answer(req);
    if (res instanceof Error) throw res;
    return res;
  }
}

export interface RigOptions {
  sounds?: SoundLibrary;
  store?: SessionStore;
  http?: HttpClient;
  settings?: Record<string, string>;
  transferAllow?: string[];
  logger?: Logger;
  defaultFlow?: string;
  inspect?: CallServiceDeps['inspect'];
  /** Flows already compiled (shipped flows loaded from files). */
  resolver?: FlowResolver & { compiled: CompiledFlow[] };
  /** Called with every call service the rig makes (at start and on each restart), e.g. to give it an ACD. */
  onCalls?: (calls: CallService) => void;
}

/** A simulated PBX, a store and a call service running `docs`: what a session test needs. */
export async function createRig(docs: FlowDocument[], options: RigOptions = {}) {
  const sounds = options.sounds ?? new MemorySoundLibrary({ welcome: 2000, menu: 3000, 'no-input': 1000, 'no-match': 1000, goodbye: 1000, enter: 1500, invalid: 1000 });
  const driver = new SimTelephonyDriver({ sounds });
  const store = options.store ?? new MemorySessionStore();
  const flows = options.resolver ?? resolverFor(docs);
  const events: CallServiceEvent[] = [];
  const deps = {
    driver,
    flows,
    store,
    // Sim legs bring their own manual clock; this one is only for legs that have none.
    clock: systemClock,
    http: options.http ?? new TableHttpClient(() => ({ status: 404, body: null })),
    logger: options.logger ?? silentLogger,
    settings: options.settings ?? {},
    transferAllow: options.transferAllow ?? ['^\\d{3,4}$'],
    endedRetentionMs: 60_000,
    ...(options.defaultFlow ? { defaultFlow: options.defaultFlow } : {}),
    ...(options.inspect ? { inspect: options.inspect } : {}),
  };
  let calls = new CallService(deps);
  calls.on((e) => events.push(e));
  options.onCalls?.(calls);
  await driver.start((leg, info) => calls.handleIncoming(leg, info));

  const rig = {
    driver,
    store,
    flows,
    events,
    get calls() {
      return calls;
    },
    /** Places a call and waits until its session runs. */
    async call(to: string, options: { from?: string; at?: number } = {}): Promise<SimLeg> {
      const leg = driver.placeCall({ to, ...options });
      await rig.until(() => events.some((e) => (e.type === 'call.started' || e.type === 'call.error') && e.callId === leg.id));
      return leg;
    },
    /** Settles promises until `cond` holds (bounded). */
    async until(cond: () => boolean, turns = 200): Promise<void> {
      for (let i = 0; i < turns && !cond(); i++) await settle();
      if (!cond()) throw new Error('condition not reached');
    },
    /** Advances the call's clock from timer to timer until the flow waits for the caller or the call ends. */
    async toInput(leg: SimLeg, limitMs = 3_600_000): Promise<void> {
      const start = leg.clock.now();
      for (;;) {
        await settle();
        const s = calls.session(leg.id);
        if (!s || s.ended() || s.awaitingInput()) return;
        const next = leg.clock.nextDueAt();
        if (next === undefined || next - start > limitMs) return;
        await leg.clock.advanceTo(next);
      }
    },
    /** Advances the call's clock from timer to timer until its session ended (bounded). */
    async toEnd(leg: SimLeg, limitMs = 3_600_000): Promise<void> {
      const start = leg.clock.now();
      for (;;) {
        await settle();
        const s = calls.session(leg.id);
        if (!s || s.ended()) {
          await s?.done;
          return;
        }
        const next = leg.clock.nextDueAt();
        if (next === undefined || next - start > limitMs) throw new Error(`call ${leg.id} did not end; at ${s.currentStep()}`);
        await leg.clock.advanceTo(next);
      }
    },
    /** Steps entered by a call, in order. */
    steps(callId: string): string[] {
      return events.filter((e) => e.type === 'step.entered' && e.callId === callId).map((e) => (e as { step: string }).step);
    },
    /** Sound names played to a call, in order. */
    sounds(callId: string): string[] {
      return events
        .filter((e) => e.type === 'prompt.played' && e.callId === callId)
        .flatMap((e) => (e as { media: Array<{ kind: string; name?: string; text?: string; value?: unknown }> }).media)
        .map((m) => (m.kind === 'sound' ? m.name! : `${m.kind}:${m.text ?? m.value}`));
    },
    outcome(callId: string): string | undefined {
      const e = events.find((x) => x.type === 'call.ended' && x.callId === callId);
      return e?.type === 'call.ended' ? e.outcome : undefined;
    },
    /** Simulates a restart of Hotline: a new call service on the same store and flows. */
    async restart(): Promise<void> {
      await calls.shutdown();
      calls = new CallService(deps);
      calls.on((e) => events.push(e));
      options.onCalls?.(calls);
    },
  };
  return rig;
}
