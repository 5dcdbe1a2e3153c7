/**
 * Model-based coverage of the flows Hotline ships. Paths generated from each compiled machine
 * (xstate/graph shortest paths with synthetic PBX, timer and service events, see
 * `test/support/flow-paths.ts`) are replayed through a driver's far end as a caller would make
 * them happen — keys pressed, prompts left to finish, simulated time advanced, a kill -9 and
 * restart for `session.resumed`. Every shipped flow runs on the simulated PBX; the support line
 * also on FreeSWITCH and Asterisk (their protocol fakes speaking to the real drivers). Each
 * walk must end in the state the model ends in, and the test fails when a transition of a
 * shipped flow is never taken on a driver.
 */
import { RecordingService } from '../../src/core/recording/recording-service.ts';
import { MemoryRecordingStore } from '../../src/adapters/memory/memory-recording-store.ts';
import { ManualClock } from '../../src/adapters/clock/manual-clock.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { createActor, type AnyStateMachine } from 'xstate';
import { describe, it } from 'node:test';
import { MemorySessionStore } from '../../src/adapters/memory/memory-session-store.ts';
import type { CallSession } from '../../src/core/call/call-session.ts';
import type { FlowEvent } from '../../src/core/call/events.ts';
import { hotlineError } from '../../src/core/errors.ts';
import { compileFlow } from '../../src/core/flow/compile.ts';
import type { CompiledFlow } from '../../src/core/flow/compiled.ts';
import type { LoadedFlow } from '../../src/core/flow/loader.ts';
import type { SessionRecord } from '../../src/ports/stores.ts';
import { TableHttpClient } from '../support/call-rig.ts';
import { ariFarEnd, eslFarEnd, simFarEnd, type FarEnd, type FarEndFactory } from '../support/far-end.ts';
import { loadShippedFlows, loadShippedSounds } from '../support/shipped-flows.ts';
import { generateWalks, transitionRecorder, type Walk } from '../support/flow-paths.ts';
import { ScriptedQueues } from '../support/scripted-queues.ts';
import { ScriptedCallbacks } from '../support/scripted-callbacks.ts';

/** A memory store that remembers every record it was given: what a crash at any moment leaves. */
class HistoryStore extends MemorySessionStore {
  readonly history: SessionRecord[] = [];
  override async save(record: SessionRecord): Promise<void> {
    this.history.push(structuredClone(record));
    await super.save(record);
  }
}

const loaded = loadShippedFlows();
const sounds = await loadShippedSounds();
// Every flow under test answers this number (sub-flows have none of their own).
const TEST_NUMBER = '+15550009999';
const CALLER = '+15555550100';
const INPUT = { callId: 'x', from: CALLER, to: TEST_NUMBER, settings: {} };
type Input = typeof INPUT & { vars?: Record<string, unknown> };

/**
 * The inputs a flow's paths are generated from. A callback's own call (`flows/callback.yaml`)
 * starts with the dialer's `vars.callback`, once for each queue its branch tells apart.
 */
function inputsOf(flowId: string): Input[] {
  if (flowId !== 'callback') return [INPUT];
  return ['billing', 'support'].map((queue) => ({ ...INPUT, vars: { callback: { id: 'cb-1', queue, entry: 'cb-1', priority: 0 } } }));
}

/** Start times that make a business-hours check come out a given way (America/New_York). */
const START_AT: Record<string, number> = {
  open: Date.parse('2026-11-23T15:00:00Z'), // Monday 10:00
  closed: Date.parse('2026-11-22T15:00:00Z'), // Sunday
  holiday: Date.parse('2026-11-26T15:00:00Z'), // Thanksgiving
};

/** Replays one walk on a far end; resolves with the state the call ends in. */
async function replay(factory: FarEndFactory, flow: CompiledFlow, route: Walk, recorder: ReturnType<typeof transitionRecorder>, input: Input): Promise<unknown> {
  const walk = route.events;
  const crashes = [...route.crashes];
  const store = new HistoryStore();
  const answers = walk.filter((e) => e.type === 'http.done' || e.type === 'http.error');
  const http = new TableHttpClient(() => {
    const next = answers.shift();
    if (!next) return { status: 599, body: 'unplanned request' };
    return next.type === 'http.done' ? { status: next.status, body: next.body } : hotlineError('HOTLINE_ERR_TIMEOUT', next.message);
  });
  const hours = walk.find((e) => e.type === 'check.result');
  const far: FarEnd = await factory({
    flows: {
      byNumber: (n) => (n === TEST_NUMBER ? flow : undefined),
      byId: (id) => (id === flow.id ? flow : undefined),
      byVersion: async (v) => (v === flow.version ? flow : undefined),
    },
    store,
    http,
    transferAllow: walk.some((e) => e.type === 'transfer.failed') ? ['^$'] : ['.*'],
    inspect: (ev) => recorder.inspect(ev),
    queues: new ScriptedQueues(walk),
    callbacks: new ScriptedCallbacks(walk),
    ...(input.vars ? { vars: input.vars } : {}),
    // A `record` step that fails is one whose node records nothing.
    ...(walk.some((e) => e.type === 'recording.error')
      ? {}
      : { recordings: (driver) => new RecordingService({ store: new MemoryRecordingStore(), clock: new ManualClock(START_AT.open!), logger: silentLogger, node: 'test', driver: driver.name, retentionMs: null }) }),
    startAt: START_AT[hours?.type === 'check.result' ? hours.outcome : 'open']!,
  });
  try {
    await far.call(TEST_NUMBER, CALLER);
    if (walk.some((e) => e.type === 'recording.failed')) far.failRecordings();
    if (route.crashes.some((c) => c.pending && JSON.stringify(c.value).includes('"transferring"'))) far.loseTransfers?.();
    for (const event of walk) await perform(far, event, crashes, store);
    await far.quiet();
    const session = far.session();
    return session && !session.ended() ? session.stateValue() : 'ended';
  } finally {
    await far.close();
  }
}

/** Makes one model event happen the way a caller, the PBX or a crash would. */
async function perform(far: FarEnd, event: FlowEvent, crashes: Walk['crashes'], store: HistoryStore): Promise<void> {
  switch (event.type) {
    case 'prompt.done':
      return far.finishPlayback();
    case 'timer.fired': {
      const session = far.session() as CallSession | undefined;
      const due = session?.timers.toJSON().find((t) => t.id === event.id)?.dueAt;
      if (due !== undefined) await far.advance(due - far.now());
      return;
    }
    case 'call.dtmf':
      return far.pressDigits(event.digit);
    case 'call.speech':
      if (!far.say) throw new Error(`${far.driver} has no speech: filter speech walks out`);
      return far.say(event.text);
    case 'call.hangup':
      return far.remoteHangup();
    case 'recording.done':
      return far.pressDigits('#'); // the voicemail step ends its recording on #
    // What the ACD decides by itself arrives as its events; status answers come from ScriptedQueues.
    case 'queue.answered':
    case 'queue.done':
    case 'queue.timeout':
    case 'queue.error':
      far.session()?.deliver(event);
      return far.quiet();
    case 'session.resumed': {
      // kill -9 in the state the model crashed in: the store holds the last record saved there.
      const crash = crashes.shift()!;
      const saved = [...store.history]
        .reverse()
        .find((r) => isDeepStrictEqual((r.snapshot as { value: unknown }).value, crash.value) && ((r.snapshot as { context: { pending: unknown } }).context.pending !== null) === crash.pending);
      return far.restart(async () => {
        if (saved) await store.save(saved);
      });
    }
    default:
      return far.quiet(); // results of effects (hours, http, transfers, recording failures) happen by themselves
  }
}

/** Transitions the pure model takes along `selected` walks. */
function modelCoverage(machine: AnyStateMachine, selected: Array<Walk & { input: Input }>): Set<string> {
  const recorder = transitionRecorder(machine);
  for (const walk of selected) {
    const actor = createActor(machine, { input: walk.input as never, inspect: (ev) => recorder.inspect(ev) });
    actor.start();
    for (const event of walk.events) actor.send(event as never);
    actor.stop();
  }
  return recorder.taken;
}

const needsSpeech = (w: Walk) => w.events.some((e) => e.type === 'call.speech');

function coverOn(name: string, factory: FarEndFactory, speech: boolean, source: LoadedFlow): void {
  it(`covers every transition of ${source.file} on ${name}`, async () => {
    const compiled = compileFlow(source, (id) => loaded.find((l) => l.doc.id === id));
    const walks = inputsOf(source.doc.id).flatMap((input) => generateWalks(compiled.machine, input).walks.map((w) => ({ ...w, input })));
    const recorder = transitionRecorder(compiled.machine);
    // Drivers without speech recognition cannot say anything: their walks that need speech are
    // left out here, and only the transitions nothing but those walks reach may stay untaken.
    const kept = speech ? walks : walks.filter((w) => !needsSpeech(w));
    const keptByModel = modelCoverage(compiled.machine, kept);
    const exempt = [...modelCoverage(compiled.machine, walks.filter(needsSpeech))].filter((k) => !keptByModel.has(k));
    if (!speech) assert.ok(exempt.every((k) => k.includes('call.speech')), `speech-only exemptions must be speech transitions: ${exempt.join(', ')}`);
    assert.ok(kept.length > 0);
    for (const walk of kept) {
      const state = await replay(factory, compiled, walk, recorder, walk.input);
      if (!walk.awaitsEffect) {
        assert.deepEqual(state, walk.expected, `${name} ended elsewhere than the model after ${walk.events.map((e) => e.type).join(', ')}`);
      }
    }
    const missed = [...recorder.keys.values()].filter((k) => !recorder.taken.has(k) && (speech || !exempt.includes(k)));
    assert.deepEqual(missed, [], `transitions of ${source.file} never taken on ${name}`);
  });
}

describe('shipped flows: generated paths on the simulated PBX', () => {
  for (const source of loaded) coverOn('the simulated PBX', simFarEnd(sounds), true, source);
});

describe('shipped support line: generated paths on the real drivers', () => {
  const supportLine = loaded.find((l) => l.doc.id === 'support-line');
  if (!supportLine) throw new Error('flows/support-line.yaml is missing');
  coverOn('FreeSWITCH (ESL)', eslFarEnd, false, supportLine);
  coverOn('Asterisk (ARI)', ariFarEnd, false, supportLine);
});
