/**
 * The sample line's supervised, PCI-safe call on Asterisk and FreeSWITCH (protocol fakes, real
 * drivers): the caller is recorded from answer, pays a bill with the card digits muted in every
 * recording, then reaches billing agent alice; supervisor sue listens, whispers, barges and takes
 * the call over, each mode checked against the fake's audio model; the audit log and the PBX are
 * clean at the end.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/adapters/clock/manual-clock.ts';
import { MemoryAcdStore } from '../../src/adapters/memory/memory-acd-store.ts';
import { MemoryAuditLog } from '../../src/adapters/memory/memory-audit-log.ts';
import { MemoryRecordingStore } from '../../src/adapters/memory/memory-recording-store.ts';
import { MemorySessionStore } from '../../src/adapters/memory/memory-session-store.ts';
import { AcdService } from '../../src/core/acd/acd-service.ts';
import { QueueRegistry } from '../../src/core/acd/queue-registry.ts';
import { RecordingService } from '../../src/core/recording/recording-service.ts';
import { SupervisionService } from '../../src/core/supervision/supervision-service.ts';
import type { Principal } from '../../src/ports/audit.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { OriginateRequest, TelephonyDriver } from '../../src/ports/telephony.ts';
import { TableHttpClient } from '../support/call-rig.ts';
import { ariFarEnd, eslFarEnd, type FarEnd, type FarEndFactory } from '../support/far-end.ts';
import { compileAll, loadShippedFlows } from '../support/shipped-flows.ts';

const compiled = compileAll(loadShippedFlows());
const queues = new QueueRegistry({ dir: new URL('../../flows/queues/', import.meta.url).pathname, logger: silentLogger });
await queues.load();
const MONDAY_10AM_NEW_YORK = Date.parse('2026-11-23T15:00:00Z');
const SUE: Principal = { name: 'sue', role: 'supervisor', queues: ['billing'] };
const CARD = '4111111111111111';
const EXPIRY = '1228';

interface Kind {
  name: string;
  factory: FarEndFactory;
  agent: string;
  /** What sue asks the API to ring, and what the PBX then dials. */
  supervisor: string;
  supervisorPhone: string;
  /** Traffic lines that mute / unmute the call's recording, and the card prompt starting. */
  mute: RegExp;
  unmute: RegExp;
  cardPrompt: RegExp;
}

const KINDS: Kind[] = [
  {
    name: 'Asterisk (ARI)',
    factory: ariFarEnd,
    agent: 'PJSIP/201',
    supervisor: 'PJSIP/300',
    supervisorPhone: 'PJSIP/300',
    mute: /^POST \/recordings\/live\/[^/]+\/mute/,
    unmute: /^DELETE \/recordings\/live\/[^/]+\/mute|^POST \/recordings\/live\/[^/]+\/unmute/,
    cardPrompt: /\/play.*card-enter-number/,
  },
  {
    name: 'FreeSWITCH (ESL)',
    factory: eslFarEnd,
    agent: 'sofia/internal/201@127.0.0.1',
    supervisor: 'sofia/internal/300@127.0.0.1',
    supervisorPhone: 'sofia/internal/300@127.0.0.1',
    mute: /uuid_record \S+ mask /,
    unmute: /uuid_record \S+ unmask /,
    cardPrompt: /playback .*card-enter-number/,
  },
];

/** A caller of the sample line, recorded, with a real ACD that records billing conversations. */
async function placeCall(kind: Kind) {
  let acd!: AcdService;
  let recordings!: RecordingService;
  let far!: FarEnd;
  let driver!: TelephonyDriver;
  const clock = new ManualClock(MONDAY_10AM_NEW_YORK);
  // The payment request's place in the PBX traffic.
  const paymentAt: number[] = [];
  const http = new TableHttpClient((req) => {
    paymentAt.push(far.traffic!().length);
    return req.method === 'POST' && req.url.endsWith('/payments') ? { status: 200, body: { approved: true } } : { status: 404, body: null };
  });
  far = await kind.factory({
    flows: {
      byNumber: (n) => compiled.find((c) => c.numbers.includes(n)),
      byId: (id) => compiled.find((c) => c.id === id),
      byVersion: async (v) => compiled.find((c) => c.version === v),
    },
    store: new MemorySessionStore(),
    http,
    transferAllow: ['^\\d{3,4}$'],
    startAt: MONDAY_10AM_NEW_YORK,
    recordings: (driver) => {
      recordings = new RecordingService({ store: new MemoryRecordingStore(), clock, logger: silentLogger, node: 'test', driver: driver.name, retentionMs: null });
      return recordings;
    },
    acd: (d, calls) => {
      driver = d;
      acd = new AcdService({ store: new MemoryAcdStore(), queues, driver, calls, clock, logger: silentLogger, node: 'test', recordings });
      return acd;
    },
  });
  await acd.start();
  const audit = new MemoryAuditLog();
  const supervision = new SupervisionService({ driver, acd, clock, logger: silentLogger, audit });
  return { far, acd, recordings, supervision, audit, http, paymentAt, clock };
}

/** Who hears whom, as `speaker->listener` with the parties' names, sorted. */
function heard(far: FarEnd, names: Record<string, string>): string[] {
  return [...far.audioPaths!()].map((p) => p.split('->').map((id) => names[id] ?? id).join('->')).sort();
}

/**
 * Whether the call's recording is muted at each line of the traffic, from the mute/unmute
 * requests the PBX got. Returns the state right before each line.
 */
function mutedAt(lines: string[], kind: Kind): boolean[] {
  let muted = false;
  return lines.map((line) => {
    const before = muted;
    if (kind.mute.test(line)) muted = true;
    else if (kind.unmute.test(line)) muted = false;
    return before;
  });
}

function sampleSupervision(kind: Kind): void {
  describe(`sample line, supervised and PCI-safe, on ${kind.name}`, () => {
    it('records from answer, mutes the card entry, then sue listens, whispers, barges and takes over', async () => {
      const { far, acd, recordings, supervision, audit, http, paymentAt, clock } = await placeCall(kind);
      // The caller keys at a human pace: the recording's paused interval has a length.
      const keyIn = async (digits: string) => {
        for (const digit of digits) {
          await clock.advance(300);
          await far.pressDigits(digit);
        }
      };
      try {
        const id = await far.call('+18005550100', '+15551230000');
        await far.finishPlayback(); // welcome and recording notice
        await far.finishPlayback(); // main menu
        await far.pressDigits('4');
        await far.finishPlayback(); // payment intro
        const cardFrom = clock.now();
        // Both gathers end at their maxDigits: a `#` after them would land in the next step.
        await keyIn(CARD);
        await keyIn(EXPIRY);
        const cardTo = clock.now();
        await far.finishPlayback(); // payment processing; then the (sensitive) payment request
        assert.deepEqual(http.requests.map((r) => [r.method, r.url]), [['POST', '/payments']]);
        await far.finishPlayback(); // payment approved
        await far.finishPlayback(); // main menu
        await far.pressDigits('1');
        await far.finishPlayback(); // transferring to billing, please hold
        assert.equal(far.session()?.currentStep(), 'billing');

        // PCI: what the PBX was told, in order, with the caller's keys in between.
        const traffic = far.traffic!();
        const muted = mutedAt(traffic, kind);
        const intro = traffic.findIndex((l) => /payment-intro/.test(l));
        const cardPrompt = traffic.findIndex((l) => kind.cardPrompt.test(l));
        const firstMute = traffic.findIndex((l) => kind.mute.test(l));
        const keys = traffic.flatMap((l, i) => (l.startsWith('dtmf ') ? [i] : []));
        const secureKeys = keys.slice(1, 1 + CARD.length + EXPIRY.length); // after the menu's 4
        assert.deepEqual(secureKeys.map((i) => traffic[i]!.slice(5)).join(''), CARD + EXPIRY);
        assert.ok(intro >= 0 && cardPrompt > intro, 'the card prompt follows the payment intro');
        assert.ok(firstMute > intro, `the call is not muted before the payment (first mute at ${firstMute}, intro at ${intro})`);
        assert.ok(firstMute < cardPrompt && firstMute < secureKeys[0]!, 'muted before the card prompt and the first card digit');
        for (const i of secureKeys) assert.equal(muted[i], true, `${traffic[i]} (line ${i}) arrived while the recording was audible`);
        const payment = paymentAt[0]!;
        // The sensitive request's own mute goes out with it (not before it), its unmute after it.
        const paymentMute = traffic.slice(0, payment + 1).map((l) => kind.mute.test(l)).lastIndexOf(true);
        assert.ok(paymentMute > secureKeys.at(-1)!, 'the payment request is muted on its own');
        const unmuteAfter = traffic.findIndex((l, i) => i >= payment && kind.unmute.test(l));
        assert.ok(unmuteAfter > payment, 'unmuted after the payment request');
        assert.equal(muted[traffic.length - 1] || kind.mute.test(traffic.at(-1)!), false, 'audible again in the queue');

        // The call's recording keeps one paused interval: the card number, the expiry and the payment.
        const callRecording = (await recordings.list({ callId: id })).find((r) => r.target === 'call');
        assert.equal(callRecording?.source, 'flow');
        assert.deepEqual(callRecording?.paused, [{ from: cardFrom, to: cardTo }]);

        // Alice answers; the billing queue records the conversation from there.
        await acd.login('alice', { endpoint: kind.agent, skills: { billing: 7 } });
        await far.quiet();
        await far.answerAgent!(kind.agent);
        assert.equal(far.bridgedWith!(kind.agent), true, 'caller and alice bridged');
        const conversation = (await recordings.list({ callId: id })).find((r) => r.target === 'conversation');
        assert.deepEqual([conversation?.source, conversation?.queue, conversation?.agentId, conversation?.state], ['queue', 'billing', 'alice', 'recording']);

        const agent = far.legTo!(kind.agent)!;
        const names: Record<string, string> = { [id]: 'caller', [agent]: 'agent' };
        assert.deepEqual(heard(far, names), ['agent->caller', 'caller->agent']);

        // Sue listens: she hears both, nobody hears her.
        const view = await supervision.start({ callId: id, endpoint: kind.supervisor, mode: 'listen', principal: SUE });
        await far.quiet();
        await far.answerAgent!(kind.supervisorPhone);
        names[far.legTo!(kind.supervisorPhone)!] = 'sue';
        assert.equal(supervision.get(view.id).state, 'active');
        assert.deepEqual(heard(far, names), ['agent->caller', 'agent->sue', 'caller->agent', 'caller->sue']);

        // Whisper: the agent hears her too, the caller still does not.
        await supervision.setMode(view.id, 'whisper', SUE);
        await far.quiet();
        assert.deepEqual(heard(far, names), ['agent->caller', 'agent->sue', 'caller->agent', 'caller->sue', 'sue->agent']);

        // Barge: all three hear each other.
        await supervision.setMode(view.id, 'barge', SUE);
        await far.quiet();
        assert.deepEqual(heard(far, names), ['agent->caller', 'agent->sue', 'caller->agent', 'caller->sue', 'sue->agent', 'sue->caller']);

        // Takeover: the caller and sue only; the agent's leg is gone from the PBX.
        await supervision.setMode(view.id, 'takeover', SUE);
        await far.quiet();
        assert.deepEqual(heard(far, names), ['caller->sue', 'sue->caller']);
        assert.deepEqual((await far.pbxLeftovers!()).filter((l) => l.includes(agent)), [], 'the agent leg is hung up');
        assert.equal(supervision.get(view.id).state, 'active');

        await far.remoteHangup();
        assert.equal(supervision.get(view.id).state, 'ended');
        assert.equal(supervision.get(view.id).endReason, 'caller-hangup');
        const trail = (await audit.list({ callId: id })).reverse();
        assert.deepEqual(
          trail.map((e) => [e.action, e.actor, e.callId, e.supervisionId, e.details?.['to']]),
          [
            ['supervision.start', 'sue', id, view.id, undefined],
            ['supervision.mode', 'sue', id, view.id, 'whisper'],
            ['supervision.mode', 'sue', id, view.id, 'barge'],
            ['supervision.mode', 'sue', id, view.id, 'takeover'],
            ['supervision.end', 'sue', id, view.id, undefined],
          ],
        );
        assert.deepEqual(await far.leftovers(), []);
        assert.deepEqual(await far.pbxLeftovers!(), []);
        const done = await recordings.list({ callId: id });
        assert.deepEqual(done.map((r) => [r.target, r.state]).sort(), [['call', 'done'], ['conversation', 'done']]);
      } finally {
        acd.stop();
        await far.close();
      }
    });
  });
}

for (const kind of KINDS) sampleSupervision(kind);
