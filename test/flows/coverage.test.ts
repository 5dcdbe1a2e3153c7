/**
 * Model-based coverage of the flows Hotline ships: paths generated from each compiled machine
 * (xstate/graph shortest paths with synthetic PBX, timer and service events) are replayed on
 * the simulated PBX as a caller would make them happen — keys pressed, prompts left to finish,
 * simulated time advanced, a restart for `session.resumed` — and the test fails when a
 * transition of a shipped flow was never taken on the sim.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { settle } from '../../src/adapters/clock/manual-clock.ts';
import { FsSoundLibrary } from '../../src/adapters/fs-sounds/fs-sound-library.ts';
import type { SimLeg } from '../../src/adapters/sim/sim-leg.ts';
import type { CallSession } from '../../src/core/call/call-session.ts';
import { compileFlow } from '../../src/core/flow/compile.ts';
import type { CompiledFlow } from '../../src/core/flow/compiled.ts';
import { parseFlowText, type LoadedFlow } from '../../src/core/flow/loader.ts';
import { hotlineError } from '../../src/core/errors.ts';
import { isDeepStrictEqual } from 'node:util';
import { MemorySessionStore } from '../../src/adapters/memory/memory-session-store.ts';
import type { SessionRecord } from '../../src/ports/stores.ts';
import { createRig, TableHttpClient } from '../support/call-rig.ts';
import { generateWalks, transitionRecorder, type Walk } from '../support/flow-paths.ts';

/** A memory store that remembers every record it was given: what a crash at any moment leaves. */
class HistoryStore extends MemorySessionStore {
  readonly history: SessionRecord[] = [];
  override async save(record: SessionRecord): Promise<void> {
    this.history.push(structuredClone(record));
    await super.save(record);
  }
}

const FLOWS_DIR = new URL('../../flows/', import.meta.url);
const loaded: LoadedFlow[] = readdirSync(FLOWS_DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => {
    const result = parseFlowText(readFileSync(new URL(f, FLOWS_DIR), 'utf8'), `flows/${f}`);
    if (!result.ok) throw new Error(`flows/${f} does not parse: ${JSON.stringify(result.diagnostics)}`);
    return result.flow;
  });
const sounds = await FsSoundLibrary.load(new URL('../../sounds/', import.meta.url).pathname);
const TEST_NUMBER = '+15550009999';

/** Start times that make a business-hours check come out a given way (America/New_York). */
const START_AT: Record<string, number> = {
  open: Date.parse('2026-11-23T15:00:00Z'), // Monday 10:00
  closed: Date.parse('2026-11-22T15:00:00Z'), // Sunday
  holiday: Date.parse('2026-11-26T15:00:00Z'), // Thanksgiving
};

async function replay(flow: CompiledFlow, route: Walk, recorder: ReturnType<typeof transitionRecorder>): Promise<{ leg: SimLeg; state: unknown }> {
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
  const rig = await createRig([], {
    sounds,
    http,
    store,
    resolver: {
      compiled: [flow],
      byNumber: (n) => (n === TEST_NUMBER ? flow : undefined),
      byId: (id) => (id === flow.id ? flow : undefined),
      byVersion: async (v) => (v === flow.version ? flow : undefined),
    },
    transferAllow: walk.some((e) => e.type === 'transfer.failed') ? ['^$'] : ['.*'],
    inspect: (ev) => recorder.inspect(ev),
  });
  const leg = await rig.call(TEST_NUMBER, { at: START_AT[hours?.type === 'check.result' ? hours.outcome : 'open'] });
  if (walk.some((e) => e.type === 'recording.failed')) {
    leg.startRecording = async () => {
      throw hotlineError('HOTLINE_ERR_PBX', 'recording failed');
    };
  }
  for (const event of walk) {
    for (let i = 0; i < 5; i++) await settle();
    switch (event.type) {
      case 'prompt.done': {
        const playback = leg.currentPlayback();
        if (playback?.endsAt !== undefined) await leg.clock.advanceTo(playback.endsAt);
        break;
      }
      case 'timer.fired': {
        const session = rig.calls.session(leg.id) as CallSession | undefined;
        const due = session?.timers.toJSON().find((t) => t.id === event.id)?.dueAt;
        if (due !== undefined) await leg.clock.advanceTo(due);
        break;
      }
      case 'call.dtmf':
        await leg.pressDigits(event.digit);
        break;
      case 'call.speech':
        await leg.say(event.text);
        break;
      case 'call.hangup':
        await leg.remoteHangup();
        break;
      case 'recording.done':
        await leg.pressDigits('#');
        break;
      case 'queue.done':
      case 'queue.error':
        rig.calls.session(leg.id)?.deliver(event);
        break;
      case 'session.resumed': {
        // kill -9 in the state the model crashed in: the store holds the last record saved there.
        const crash = crashes.shift()!;
        const saved = [...store.history]
          .reverse()
          .find((r) => isDeepStrictEqual((r.snapshot as { value: unknown }).value, crash.value) && ((r.snapshot as { context: { pending: unknown } }).context.pending !== null) === crash.pending);
        await rig.restart();
        if (saved) await store.save(saved);
        await rig.calls.accept(leg, { recovered: true });
        break;
      }
      default:
        break; // results of effects (hours, http, transfers, recording failures) happen by themselves
    }
  }
  for (let i = 0; i < 10; i++) await settle();
  const session = rig.calls.session(leg.id);
  return { leg, state: session && !session.ended() ? session.stateValue() : 'ended' };
}

describe('shipped flows: generated paths on the simulated PBX', () => {
  for (const source of loaded) {
    it(`covers every transition of ${source.file}`, async () => {
      const flow = compileFlow(source, (id) => loaded.find((l) => l.doc.id === id));
      const recorder = transitionRecorder(flow.machine);
      const { walks } = generateWalks(flow.machine, { callId: 'x', from: '+15555550100', to: TEST_NUMBER, settings: {} });
      assert.ok(walks.length > 0);
      for (const walk of walks) {
        const { state } = await replay(flow, walk, recorder);
        if (!walk.awaitsEffect) assert.deepEqual(state, walk.expected, `the sim ended elsewhere than the model after ${walk.events.map((e) => e.type).join(', ')}`);
      }
      const missed = [...recorder.keys.values()].filter((k) => !recorder.taken.has(k));
      assert.deepEqual(missed, [], `transitions of ${source.file} never taken on the simulated PBX`);
    });
  }
});
