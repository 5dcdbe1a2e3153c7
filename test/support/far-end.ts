/**
 * The far end of a call on each driver, for replaying generated flow paths: what a caller does
 * (keys, speech, hanging up), what the PBX does by itself (a prompt reaching its end), the
 * passing of time on the clock the call's timers run on, and Hotline dying and taking the call
 * back. `sim` drives a {@link SimLeg}; `esl` the fake FreeSWITCH through the ESL harness; `ari`
 * the fake Asterisk through the real ARI driver. Drivers whose legs bring no clock get a
 * {@link ManualClock} as the call service's clock, so timeouts run on simulated time.
 */
import { createHash } from 'node:crypto';
import { ManualClock, settle } from '../../src/adapters/clock/manual-clock.ts';
import { AriTelephonyDriver } from '../../src/adapters/ari/ari-driver.ts';
import { TONES } from '../../src/adapters/esl/esl-media.ts';
import { SimTelephonyDriver } from '../../src/adapters/sim/sim-driver.ts';
import type { SimLeg } from '../../src/adapters/sim/sim-leg.ts';
import { CallService, type CallServiceDeps, type FlowResolver } from '../../src/core/call/call-service.ts';
import type { CallSessionHandle } from '../../src/core/call/call-session.ts';
import type { CallServiceEvent } from '../../src/core/call/types.ts';
import { hotlineError } from '../../src/core/errors.ts';
import type { HttpClient } from '../../src/ports/http-client.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { SoundLibrary } from '../../src/ports/sounds.ts';
import type { SpeechSynthesizer } from '../../src/ports/speech.ts';
import type { SessionStore } from '../../src/ports/stores.ts';
import type { CallLeg, IncomingCallHandler, TelephonyDriver } from '../../src/ports/telephony.ts';
import { ariLeftovers } from '../contract/ari-harness.ts';
import { createEslHarness } from '../contract/esl-harness.ts';
import { FakeAriServer } from '../fakes/ari/fake-ari-server.ts';

import type { CallDirectory } from '../../src/core/acd/acd-service.ts';
import type { QueueHost } from '../../src/core/acd/queue-host.ts';
import type { RecordingService } from '../../src/core/recording/recording-service.ts';
import type { CallbackHost } from '../../src/core/callback/callback-host.ts';

/** What Hotline runs with for one replayed call. */
export interface HotlineSetup {
  flows: FlowResolver;
  store: SessionStore;
  http: HttpClient;
  transferAllow: string[];
  inspect?: CallServiceDeps['inspect'];
  /** The ACD `queue` steps talk to. */
  queues?: CallServiceDeps['queues'];
  /** Builds a real ACD over the far end's driver (instead of `queues`). */
  acd?: (driver: TelephonyDriver, calls: CallDirectory) => QueueHost;
  /** Builds the recording service `record` steps and sensitive steps use (kept across restarts). */
  recordings?: (driver: TelephonyDriver) => RecordingService;
  /** Wall time the call starts at (business hours depend on it). */
  startAt: number;
  /** What `callback` steps talk to. */
  callbacks?: CallbackHost;
  /**
   * Sim only: the call is a callback's own call, placed by Hotline and answered by the far end,
   * its flow started with these variables (as the callback dialer does).
   */
  vars?: Record<string, unknown>;
}

/** One call's far end on one driver, and the Hotline that answers it. */
export interface FarEnd {
  readonly driver: 'sim' | 'esl' | 'ari';
  /** The call service answering now (a new one after each {@link FarEnd.restart}). */
  readonly calls: CallService;
  /** Places the call; resolves once its session runs and the PBX went quiet. Returns the leg id. */
  call(to: string, from: string): Promise<string>;
  pressDigits(digits: string): Promise<void>;
  /** Absent on drivers without speech recognition. */
  say?(text: string): Promise<void>;
  remoteHangup(): Promise<void>;
  /** The prompt playing now reaches its end (no-op when none plays). */
  finishPlayback(): Promise<void>;
  /** Advances the clock the call's timers run on. */
  advance(ms: number): Promise<void>;
  now(): number;
  /** The PBX refuses to record this call from now on. */
  failRecordings(): void;
  /**
   * The running Hotline dies before its transfer request reaches the PBX (the call stays in
   * Hotline's hands). Only drivers whose transfer takes the call away at once need it (ARI).
   */
  loseTransfers?(): void;
  /**
   * Hotline dies and comes back: the running call service goes away without a word to the PBX,
   * `beforeRecover` runs (put the record a crash would leave in the store), then the PBX hands
   * the call to a new call service the way it really would (ESL: the socket app returns and the
   * dialplan re-enters `socket`; ARI: the application reconnects and resynchronises).
   */
  restart(beforeRecover: () => Promise<void>): Promise<void>;
  /** The live session of the call, if any. */
  session(): CallSessionHandle | undefined;
  /** The agent's phone at `endpoint` (ringing for an ACD offer) picks up. */
  answerAgent?(endpoint: string): Promise<void>;
  /** Whether the call and the agent at `endpoint` are bridged together on the PBX. */
  bridgedWith?(endpoint: string): boolean;
  /** What the PBX still holds for the call (channels, playbacks, recordings, bridges): empty after a clean end. */
  leftovers(): Promise<string[]>;
  /** The id of the newest leg the PBX dialled to `endpoint` (an agent's or a supervisor's phone). */
  legTo?(endpoint: string): string | undefined;
  /** Who hears whom on the PBX now, as `speaker->listener` pairs of leg ids (the fake's audio model). */
  audioPaths?(): Set<string>;
  /**
   * Everything that went to the PBX, in order, one line per request or command (ARI:
   * `POST /recordings/live/x/mute`, a play with its `media=…`; ESL: `api uuid_record <uuid> mask <path>`,
   * `sendmsg execute playback <file>`), with the far end's keys interleaved as `dtmf <digit>`.
   */
  traffic?(): string[];
  /** What is left on the whole PBX (every channel, bridge, snoop, recording): empty after a clean end. */
  pbxLeftovers?(): Promise<string[]>;
  /** Waits until nothing moves any more (socket traffic, the session, the PBX's state). */
  quiet(): Promise<void>;
  close(): Promise<void>;
}

/** Builds the far end of one call. */
export type FarEndFactory = (setup: HotlineSetup) => Promise<FarEnd>;

/** A call service that can be killed and replaced on the same store, as a restart does. */
class HotlineUnderTest {
  calls: CallService;
  readonly events: CallServiceEvent[] = [];
  readonly #deps: CallServiceDeps;
  readonly #accepting = new Set<Promise<unknown>>();

  readonly #queues: QueueHost | undefined;
  readonly #recordings: RecordingService | undefined;
  readonly #callbacks: CallbackHost | undefined;

  constructor(deps: CallServiceDeps, acd?: { setup: HotlineSetup; driver: TelephonyDriver }) {
    this.#deps = deps;
    this.#callbacks = acd?.setup.callbacks;
    this.#recordings = acd?.setup.recordings?.(acd.driver);
    // Through `this.calls`, so the ACD talks to whichever call service runs after a restart.
    this.#queues = acd?.setup.acd?.(acd.driver, { session: (id) => this.calls.session(id), getCall: (id) => this.calls.getCall(id) });
    this.calls = this.#build();
  }

  readonly onCall: IncomingCallHandler = (leg, info) => {
    const accepting = this.calls.accept(leg, info).catch(() => undefined);
    this.#accepting.add(accepting);
    void accepting.finally(() => this.#accepting.delete(accepting));
  };

  /** Resolves once every call handed over so far was taken (or refused). */
  async accepted(): Promise<void> {
    await Promise.all([...this.#accepting]);
  }

  /** kill -9: sessions stop where they are (their records stay); a new service takes over. */
  async crash(): Promise<void> {
    await this.calls.shutdown();
    this.calls = this.#build();
  }

  #build(): CallService {
    const calls = new CallService(this.#deps);
    calls.on((e) => this.events.push(e));
    if (this.#queues) calls.useQueues(this.#queues);
    if (this.#recordings) calls.useRecordings(this.#recordings);
    if (this.#callbacks) calls.useCallbacks(this.#callbacks);
    return calls;
  }
}

function serviceDeps(setup: HotlineSetup, driver: TelephonyDriver, clock: CallServiceDeps['clock']): CallServiceDeps {
  return {
    driver,
    flows: setup.flows,
    store: setup.store,
    clock,
    http: setup.http,
    logger: silentLogger,
    settings: {},
    transferAllow: setup.transferAllow,
    endedRetentionMs: 60_000,
    ...(setup.inspect ? { inspect: setup.inspect } : {}),
    ...(setup.queues ? { queues: setup.queues } : {}),
  };
}

/** Text to speech as a PBX that plays files needs it: one sound per distinct text. */
export const fileSynthesizer: SpeechSynthesizer = {
  async render(text) {
    return { name: `tts-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`, durationMs: 1000 };
  },
};

const refuseRecording = async (): Promise<void> => {
  throw hotlineError('HOTLINE_ERR_PBX', 'recording failed');
};

/**
 * Waits until `fingerprint` stays the same for a few macrotask turns (with a deadline). The
 * fakes answer over loopback sockets and defer work with `setTimeout(0)`, so "quiet" means a
 * few timer turns in a row with no change anywhere.
 */
async function untilStill(fingerprint: () => string, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = fingerprint();
  for (let still = 0; still < 3; ) {
    if (Date.now() > deadline) throw new Error(`${what}: still busy after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1));
    const now = fingerprint();
    if (now === last) still++;
    else {
      still = 0;
      last = now;
    }
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** PBX lines with the far end's own lines put in where they happened (`at`: lines before them). */
function interleave(lines: string[], marks: ReadonlyArray<{ at: number; line: string }>): string[] {
  const out: string[] = [];
  let next = 0;
  lines.forEach((line, i) => {
    while (next < marks.length && marks[next]!.at <= i) out.push(marks[next++]!.line);
    out.push(line);
  });
  while (next < marks.length) out.push(marks[next++]!.line);
  return out;
}

function sessionPrint(calls: CallService, legId: string): string {
  const s = calls.session(legId);
  return s ? `${JSON.stringify(s.stateValue())}:${s.ended()}` : '-';
}

/** The simulated PBX: the leg's own manual clock, playbacks end when their time is up. */
export function simFarEnd(sounds: SoundLibrary): FarEndFactory {
  return async (setup) => {
    const driver = new SimTelephonyDriver({ sounds });
    const hotline = new HotlineUnderTest(serviceDeps(setup, driver, new ManualClock(setup.startAt)), { setup, driver });
    await driver.start(hotline.onCall);
    let leg!: SimLeg;
    const far: FarEnd = {
      driver: 'sim',
      get calls() {
        return hotline.calls;
      },
      async call(to, from) {
        if (setup.vars) {
          // A callback's own call: Hotline dials the customer, who answers; the flow starts with the dialer's variables.
          const flow = setup.flows.byNumber(to);
          if (!flow) throw new Error(`no flow answers ${to}`);
          leg = (await driver.originate({ to: from, from: to, timeoutMs: 30_000, purpose: 'callback' })) as SimLeg;
          await leg.remoteAnswer();
          await hotline.calls.startOutbound(leg, flow.id, setup.vars);
          await far.quiet();
          return leg.id;
        }
        leg = driver.placeCall({ to, from, at: setup.startAt });
        await hotline.accepted();
        await far.quiet();
        return leg.id;
      },
      pressDigits: (digits) => leg.pressDigits(digits),
      say: (text) => leg.say(text),
      remoteHangup: () => leg.remoteHangup(),
      async finishPlayback() {
        const playback = leg.currentPlayback();
        if (playback?.endsAt !== undefined) await leg.clock.advanceTo(playback.endsAt);
      },
      advance: (ms) => leg.clock.advance(ms),
      now: () => leg.clock.now(),
      failRecordings() {
        leg.startRecording = refuseRecording;
      },
      async restart(beforeRecover) {
        await hotline.crash();
        await beforeRecover();
        await hotline.calls.accept(leg, { recovered: true });
      },
      session: () => hotline.calls.session(leg.id),
      async answerAgent(endpoint) {
        const agent = driver.legs().find((l) => l.direction === 'outbound' && l.to === endpoint && l.status === 'ringing');
        if (!agent) throw new Error(`no ringing leg to ${endpoint}`);
        await agent.remoteAnswer();
        for (let i = 0; i < 10; i++) await settle();
      },
      bridgedWith(endpoint) {
        const agent = driver.legs().find((l) => l.direction === 'outbound' && l.to === endpoint);
        return agent !== undefined && driver.bridges().some((b) => b.has(leg.id) && b.has(agent.id));
      },
      leftovers: async () => driver.resourcesOf(leg.id),
      async quiet() {
        for (let i = 0; i < 5; i++) await settle();
      },
      async close() {
        await driver.stop();
        driver.dispose();
      },
    };
    return far;
  };
}

/** FreeSWITCH: the fake speaks ESL to the real driver; Hotline keeps its timers on a manual clock. */
export const eslFarEnd: FarEndFactory = async (setup) => {
  const clock = new ManualClock(setup.startAt);
  let hotline: HotlineUnderTest | undefined;
  let failRecordings = false;
  let legEvents = 0;
  const onCall: IncomingCallHandler = (leg, info) => {
    leg.subscribe(() => legEvents++);
    if (failRecordings) leg.startRecording = refuseRecording;
    hotline?.onCall(leg, info);
  };
  const h = await createEslHarness({ onCall, synthesizer: fileSynthesizer });
  const live = new HotlineUnderTest(serviceDeps(setup, h.driver, clock), { setup, driver: h.driver });
  hotline = live;
  let legId = '';
  // Keys the far end pressed, by the number of commands logged before them.
  const keys: Array<{ at: number; line: string }> = [];
  const agentChannel = (endpoint: string) => [...h.fake.channels.values()].find((c) => c.direction === 'outbound' && c.destination === endpoint && !c.hungUp);
  const channel = () => h.fake.channels.get(legId);
  const handedOver = () => h.incoming.filter((e) => e.leg.id === legId).length;
  const far: FarEnd = {
    driver: 'esl',
    get calls() {
      return live.calls;
    },
    async call(to, from) {
      legId = (await h.placeInbound({ to, from })).id;
      await live.accepted();
      await far.quiet();
      return legId;
    },
    async pressDigits(digits) {
      for (const digit of digits) {
        const before = legEvents;
        keys.push({ at: h.fake.commands.length, line: `dtmf ${digit}` });
        h.fake.sendDtmf(legId, digit);
        await until(() => legEvents > before || channel()?.hungUp !== false, `DTMF ${digit} to reach the leg`);
        await far.quiet();
      }
    },
    async remoteHangup() {
      h.fake.hangup(legId, 'NORMAL_CLEARING');
      await far.quiet();
    },
    async finishPlayback() {
      h.fake.finishPlayback(legId);
      await far.quiet();
    },
    async advance(ms) {
      await clock.advance(ms);
      await far.quiet();
    },
    now: () => clock.now(),
    failRecordings() {
      failRecordings = true;
      for (const { leg } of h.incoming) leg.startRecording = refuseRecording;
    },
    async answerAgent(endpoint) {
      const agent = agentChannel(endpoint);
      if (!agent) throw new Error(`no ringing channel to ${endpoint}`);
      h.fake.answerOriginated(agent.uuid);
      await far.quiet();
    },
    bridgedWith(endpoint) {
      const agent = agentChannel(endpoint);
      return agent !== undefined && channel()?.bridgedWith === agent.uuid;
    },
    async restart(beforeRecover) {
      await live.crash();
      const ch = channel();
      const up = Boolean(ch && !ch.hungUp);
      if (up) {
        h.fake.killHotlineSocket(legId);
        // Nobody is left to break what the dead process started: its prompts play to the end
        // before the dialplan gets to `socket` again.
        for (let i = 0; i < 10 && h.fake.finishPlayback(legId); i++) await far.quiet();
      }
      await beforeRecover();
      if (up) {
        const before = handedOver();
        h.fake.reenterSocket(legId, { hotline_attempt: '2' });
        await until(() => handedOver() > before, 'the channel to come back to Hotline');
        await live.accepted();
      }
      await far.quiet();
    },
    session: () => live.calls.session(legId),
    leftovers: async () => h.leftovers(legId),
    legTo: (endpoint) => [...h.fake.channels.values()].filter((c) => c.direction === 'outbound' && c.destination === endpoint).at(-1)?.uuid,
    audioPaths: () => h.fake.audioPaths(),
    traffic: () =>
      interleave(
        h.fake.commands.map((c) => {
          const app = c.headers['execute-app-name'];
          return app ? `${c.command} ${c.headers['call-command'] ?? ''} ${app} ${c.headers['execute-app-arg'] ?? ''}`.replace(/\s+/g, ' ').trim() : c.command;
        }),
        keys,
      ),
    async pbxLeftovers() {
      await far.quiet();
      return h.fake.liveState().map((c) => `channel:${c.uuid} ${JSON.stringify(c)}`);
    },
    async quiet() {
      for (let i = 0; i < 10; i++) {
        await untilStill(
          () => `${h.fake.commands.length}|${legEvents}|${live.events.length}|${JSON.stringify(h.fake.liveState())}|${clock.pendingCount()}|${sessionPrint(live.calls, legId)}`,
          'esl',
        );
        // A recording's beep is a 250 ms tone that ends by itself; the model never waits for it.
        const innermost = channel()?.running.at(-1);
        if (innermost?.kind !== 'media' || innermost.arg !== TONES.beep) return;
        h.fake.finishPlayback(legId);
      }
    },
    close: () => h.close(),
  };
  return far;
};

/** Asterisk: the fake speaks ARI to the real driver; a restart is a new driver that resynchronises. */
export const ariFarEnd: FarEndFactory = async (setup) => {
  const clock = new ManualClock(setup.startAt);
  const fake = await new FakeAriServer({ username: 'hotline', password: 'ari-secret' }).start();
  const legs: CallLeg[] = [];
  let failRecordings = false;
  let legEvents = 0;
  let hotline: HotlineUnderTest | undefined;
  const onCall: IncomingCallHandler = (leg, info) => {
    legs.push(leg);
    leg.subscribe(() => legEvents++);
    if (failRecordings) leg.startRecording = refuseRecording;
    hotline?.onCall(leg, info);
  };
  const newDriver = () =>
    new AriTelephonyDriver({ url: fake.url, username: 'hotline', password: 'ari-secret', app: 'hotline', synthesizer: fileSynthesizer });
  let driver = newDriver();
  const live = new HotlineUnderTest(serviceDeps(setup, driver, clock), { setup, driver });
  hotline = live;
  await driver.start(onCall);
  let legId = '';
  // Keys the far end pressed, by the number of requests logged before them.
  const keys: Array<{ at: number; line: string }> = [];
  // Events sent to earlier drivers' sockets: the current driver counts only its own.
  let sentBefore = 0;
  const drained = () => until(() => sentBefore + driver.eventsReceived >= fake.sentCount(), 'events to reach the ARI driver');
  const far: FarEnd = {
    driver: 'ari',
    get calls() {
      return live.calls;
    },
    async call(to, from) {
      const before = legs.length;
      legId = fake.placeInbound({ to, from });
      await until(() => legs.length > before, `call ${legId} to be handed over`);
      await live.accepted();
      await far.quiet();
      return legId;
    },
    async pressDigits(digits) {
      for (const digit of digits) {
        keys.push({ at: fake.requests.length, line: `dtmf ${digit}` });
        fake.sendDtmf(legId, digit, 100);
        await far.quiet();
      }
    },
    async remoteHangup() {
      fake.hangup(legId, 16);
      await far.quiet();
    },
    async finishPlayback() {
      if (fake.channels.has(legId)) fake.finishPlayback(legId);
      await far.quiet();
    },
    async advance(ms) {
      await clock.advance(ms);
      await far.quiet();
    },
    now: () => clock.now(),
    failRecordings() {
      failRecordings = true;
      for (const leg of legs) leg.startRecording = refuseRecording;
    },
    loseTransfers() {
      // `continue` would leave Stasis at once; a request that never left the dying process does not.
      for (const leg of legs) leg.transfer = () => new Promise<void>(() => {});
    },
    async restart(beforeRecover) {
      await live.crash();
      // The process dies: its WebSocket goes; Asterisk keeps the channel in the application.
      await driver.stop();
      await until(() => fake.socketCount() === 0, 'the WebSocket to close');
      await beforeRecover();
      const before = legs.length;
      sentBefore = fake.sentCount();
      driver = newDriver();
      await driver.start(onCall);
      // Only a channel still in the application is handed back (a transferred one left it).
      if (fake.channels.get(legId)?.inStasis) await until(() => legs.length > before, 'the call to be recovered');
      await live.accepted();
      await far.quiet();
    },
    session: () => live.calls.session(legId),
    async answerAgent(endpoint) {
      const agent = [...fake.channels.values()].find((c) => c.kind === 'originated' && `${c.tech}/${c.dialstring}` === endpoint && !c.inStasis);
      if (!agent) throw new Error(`no ringing channel to ${endpoint}`);
      fake.answerOriginated(agent.json.id);
      await far.quiet();
    },
    bridgedWith(endpoint) {
      const agent = [...fake.channels.values()].find((c) => c.kind === 'originated' && `${c.tech}/${c.dialstring}` === endpoint);
      return agent !== undefined && fake.liveState().bridges.some((b) => b.channels.includes(legId) && b.channels.includes(agent.json.id));
    },
    leftovers: async () => {
      await far.quiet();
      return ariLeftovers(fake, legId);
    },
    legTo: (endpoint) => [...fake.channels.values()].filter((c) => c.kind === 'originated' && `${c.tech}/${c.dialstring}` === endpoint).at(-1)?.json.id,
    audioPaths: () => fake.audioPaths(),
    traffic: () =>
      interleave(
        fake.requests.map((r) => {
          const query = new URLSearchParams(r.query).toString();
          return `${r.method} ${r.path}${query ? `?${query}` : ''}`;
        }),
        keys,
      ),
    async pbxLeftovers() {
      await far.quiet();
      const state = fake.liveState();
      return [
        ...state.channels.map((c) => `channel:${c.id} ${c.name}`),
        ...state.bridges.map((b) => `bridge:${b.id}`),
        ...state.playbacks.map((p) => `playback:${p.id}`),
        ...state.recordings.map((r) => `recording:${r.name}`),
      ];
    },
    async quiet() {
      await untilStill(
        () => `${fake.sentCount()}|${driver.eventsReceived}|${legEvents}|${live.events.length}|${JSON.stringify(fake.liveState())}|${clock.pendingCount()}|${sessionPrint(live.calls, legId)}`,
        'ari',
      );
      await drained();
    },
    async close() {
      await driver.stop();
      await fake.close();
    },
  };
  return far;
};
