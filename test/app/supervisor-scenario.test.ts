/**
 * Issue 6's "done means", through the HTTP API of a real Hotline on the simulated PBX: a caller
 * of the sample line pays a bill by card (a silent gap in the call's recording, exactly where
 * the card was keyed), then waits in `billing` and talks to an agent; a supervisor of `billing`
 * lists the queue's live calls, listens, whispers (the caller cannot hear), barges in and takes
 * over; every action is in the audit log.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createApp, type HotlineApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { freePort } from '../support/processes.ts';

const ADMIN = 'scenario-admin-token-0123456789';
const SUE = 'scenario-sue-token-0123456789ab';
const OTTO = 'scenario-otto-token-0123456789a';
const CARD = '4111111111111111';
const MONDAY_10AM_NEW_YORK = '2026-11-23T10:00:00-05:00';

interface Api {
  (method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }>;
}

async function start(): Promise<{ app: HotlineApp; api: Api; base: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-scenario-'));
  const tokensFile = join(dir, 'tokens.yaml');
  writeFileSync(
    tokensFile,
    [
      `- { name: sue, role: supervisor, queues: [billing], token: ${SUE} }`,
      `- { name: otto, role: supervisor, queues: [support], token: ${OTTO} }`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const config = loadConfig({
    env: {
      PORT: String(port),
      FLOWS_DIR: resolve('flows'),
      SOUNDS_DIR: resolve('sounds'),
      SIM_REALTIME: 'false',
      HOTLINE_ADMIN_TOKEN: ADMIN,
      HOTLINE_TOKENS_FILE: tokensFile,
      RECORDINGS_DIR: join(dir, 'recordings'),
      LOG_LEVEL: 'silent',
    },
  });
  const app = await createApp(config, { logger: silentLogger });
  await app.listen();
  const base = `http://127.0.0.1:${port}`;
  const api: Api = async (method, path, body, token = ADMIN) => {
    const res = await fetch(`${base}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, body: type.includes('json') ? await res.json() : new Uint8Array(await res.arrayBuffer()) };
  };
  return { app, api, base };
}

/** Advances the caller's clock in small steps until the call reaches `step` (prompts play out). */
async function until(api: Api, callId: string, step: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const call = (await api('GET', `/calls/${callId}`)).body;
    if (call.step === step) return;
    await api('POST', `/sim/calls/${callId}/advance`, { seconds: 0.25 });
  }
  assert.fail(`the call never reached ${step}: ${JSON.stringify((await api('GET', `/calls/${callId}`)).body.path)}`);
}

/** Settles HTTP round trips (no timers move). */
async function eventually<T>(fn: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** Epoch ms of an API time (ISO text or a number). */
const ms = (v: unknown): number => (typeof v === 'number' ? v : Date.parse(String(v)));

/** 16-bit mono PCM samples of a WAV file (the `data` chunk). */
function pcm(wav: Uint8Array): { rate: number; samples: Int16Array } {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  let offset = 12;
  let rate = 8000;
  while (offset + 8 <= wav.byteLength) {
    const id = String.fromCharCode(...wav.subarray(offset, offset + 4));
    const size = view.getUint32(offset + 4, true);
    if (id === 'fmt ') rate = view.getUint32(offset + 12, true);
    if (id === 'data') return { rate, samples: new Int16Array(wav.buffer.slice(wav.byteOffset + offset + 8, wav.byteOffset + offset + 8 + size)) };
    offset += 8 + size + (size % 2);
  }
  throw new Error('no data chunk');
}

describe('supervisors and PCI recording on the sample line (simulated PBX, HTTP API)', () => {
  test('card digits leave a silent gap; a billing supervisor listens, whispers, barges and takes over; all audited', async () => {
    const { app, api } = await start();
    try {
      assert.equal((await api('POST', '/agents/alice/login', { endpoint: 'sim:alice', skills: { billing: 7 }, answer: 'manual' })).status, 200);
      const placed = await api('POST', '/sim/calls', { to: '+18005550100', from: '+15551230000', at: MONDAY_10AM_NEW_YORK });
      assert.equal(placed.status, 201);
      const callId = placed.body.id as string;

      // Pay a bill: 4, then the card number and expiry (secure gathers: recordings muted).
      await until(api, callId, 'main-menu');
      await api('POST', `/sim/calls/${callId}/dtmf`, { digits: '4' });
      await until(api, callId, 'card-number');
      // Keyed like a person does: a digit every 0.3 s.
      const key = async (digits: string): Promise<unknown[]> => {
        const times: unknown[] = [];
        for (const digit of digits) {
          times.push((await api('POST', `/sim/calls/${callId}/dtmf`, { digits: digit })).body.now);
          await api('POST', `/sim/calls/${callId}/advance`, { seconds: 0.3 });
        }
        return times;
      };
      const firstCardDigitAt = ms((await key(CARD))[0]);
      await until(api, callId, 'card-expiry');
      const expiryDoneAt = ms((await key('1230')).at(-1));
      await until(api, callId, 'main-menu');
      const paid = (await api('GET', `/calls/${callId}`)).body;
      assert.ok(paid.path.includes('payment-approved'), `payment approved: ${paid.path.join(' → ')}`);
      assert.equal(paid.variables.card_number, '[REDACTED]');

      // Billing: alice answers.
      await api('POST', `/sim/calls/${callId}/dtmf`, { digits: '1' });
      await until(api, callId, 'billing');
      await eventually(async () => ((await api('GET', '/agents/alice')).body.state === 'offered' ? true : undefined), 'the offer to alice');
      assert.equal((await api('POST', '/sim/agents/alice/answer')).status, 200);
      await eventually(async () => ((await api('GET', '/agents/alice')).body.state === 'on-call' ? true : undefined), 'alice on the call');

      // Sue lists the live calls of billing; otto (support) sees none of them and may not join.
      const listed = await api('GET', '/calls?queue=billing', undefined, SUE);
      assert.equal(listed.status, 200);
      const live = listed.body.calls.find((c: any) => c.id === callId);
      assert.equal(live?.queue, 'billing');
      assert.equal(live?.state, 'connected');
      assert.equal(live?.agent?.id, 'alice');
      assert.ok(live.path.includes('card-number'), 'the IVR path so far');
      const ottoSees = await api('GET', '/calls?queue=billing', undefined, OTTO);
      assert.ok(ottoSees.status === 403 || !ottoSees.body.calls.some((c: any) => c.id === callId), 'otto does not see billing calls');
      assert.equal((await api('POST', `/calls/${callId}/supervise`, { endpoint: 'sim:otto', mode: 'listen' }, OTTO)).status, 403);

      // Sue listens from her own phone.
      const joined = await api('POST', `/calls/${callId}/supervise`, { endpoint: 'sim:sue', mode: 'listen' }, SUE);
      assert.equal(joined.status, 201, JSON.stringify(joined.body));
      const supervisionId = joined.body.id as string;
      assert.equal((await api('POST', '/sim/agents/sue/answer')).status, 200);
      await eventually(async () => ((await api('GET', `/supervisions/${supervisionId}`, undefined, SUE)).body.state === 'active' ? true : undefined), 'the supervision active');

      const hears = async () => {
        const r = (await api('GET', `/sim/calls/${callId}/audio-paths`)).body as { legs: Array<{ id: string; to?: string }>; paths: Array<{ from: string; to: string }> };
        const name = (id: string) => (id === callId ? 'caller' : (r.legs.find((l) => l.id === id)?.to ?? id).replace('sim:', ''));
        return r.paths.map((p) => `${name(p.to)}<-${name(p.from)}`).sort();
      };
      assert.deepEqual(await hears(), ['alice<-caller', 'caller<-alice', 'sue<-alice', 'sue<-caller']);

      assert.equal((await api('PATCH', `/supervisions/${supervisionId}`, { mode: 'whisper' }, SUE)).status, 200);
      const whisper = await hears();
      assert.ok(whisper.includes('alice<-sue'), 'alice hears the whisper');
      assert.ok(!whisper.includes('caller<-sue'), 'the caller never hears a whisper');

      assert.equal((await api('PATCH', `/supervisions/${supervisionId}`, { mode: 'barge' }, SUE)).status, 200);
      assert.deepEqual(await hears(), ['alice<-caller', 'alice<-sue', 'caller<-alice', 'caller<-sue', 'sue<-alice', 'sue<-caller']);

      assert.equal((await api('PATCH', `/supervisions/${supervisionId}`, { mode: 'takeover' }, SUE)).status, 200);
      assert.deepEqual(await hears(), ['caller<-sue', 'sue<-caller']);
      await eventually(async () => ((await api('GET', '/agents/alice')).body.state !== 'on-call' ? true : undefined), 'alice released');
      assert.ok(['wrap-up', 'available'].includes((await api('GET', '/agents/alice')).body.state));

      // The caller hangs up: the flow ends, the recordings are finished.
      await api('DELETE', `/sim/calls/${callId}`);
      await eventually(async () => ((await api('GET', `/calls/${callId}`)).body.state === 'ended' ? true : undefined), 'the call ended');
      const sup = (await api('GET', `/supervisions/${supervisionId}`, undefined, SUE)).body;
      assert.equal(sup.state, 'ended');

      // The call's recording: one silent gap covering the card and expiry, sound around it.
      const recs = (await api('GET', `/recordings?call=${callId}`)).body.recordings as any[];
      const call = recs.find((r) => r.target === 'call');
      assert.ok(call, `a call recording among ${JSON.stringify(recs.map((r) => r.target))}`);
      assert.ok(recs.some((r) => r.target === 'conversation' && r.queue === 'billing' && r.agentId === 'alice'), 'the conversation is recorded (billing: whole)');
      // Two gaps: the card gathers, then the (sensitive) payment request.
      assert.equal(call.paused.length, 2, JSON.stringify(call.paused));
      const gap = { from: ms(call.paused[0].from), to: ms(call.paused[0].to) };
      const startedAt = ms(call.startedAt);
      assert.ok(gap.from <= firstCardDigitAt && gap.to >= expiryDoneAt, `the gap ${JSON.stringify(gap)} covers every card digit (${firstCardDigitAt}..${expiryDoneAt})`);
      const audio = await api('GET', `/recordings/${call.id}/audio`);
      assert.equal(audio.status, 200);
      const { rate, samples } = pcm(audio.body);
      const at = (t: number) => Math.round(((t - startedAt) * rate) / 1000);
      const inside = samples.subarray(at(gap.from), at(gap.to));
      assert.ok(inside.length > rate * 5, 'the gap lasts as long as the keying (over 5 s)');
      assert.ok(inside.every((s) => s === 0), 'exact silence while the card was keyed');
      const before = samples.subarray(Math.max(0, at(gap.from) - rate * 2), at(gap.from));
      assert.ok(before.some((s) => Math.abs(s) > 200), 'sound before the gap (the card prompt)');
      const after = samples.subarray(at(gap.to), Math.min(samples.length, at(gap.to) + rate * 2));
      assert.ok(after.some((s) => Math.abs(s) > 200), 'sound after the gap');

      // Sue may not fetch audio of a call she could hear? She may: it is her queue's conversation.
      const conv = recs.find((r) => r.target === 'conversation');
      assert.equal((await api('GET', `/recordings/${conv.id}/audio`, undefined, SUE)).status, 200);
      assert.equal((await api('GET', `/recordings/${conv.id}/audio`, undefined, OTTO)).status, 403);

      // The audit log has every supervisor action, with durations, and the recording accesses.
      const audit = (await api('GET', `/audit?call=${callId}&limit=100`)).body.entries as any[];
      const sueActions = audit.filter((e) => e.actor === 'sue').map((e) => e.action).reverse();
      assert.deepEqual(
        sueActions.filter((a) => a.startsWith('supervision.')),
        ['supervision.start', 'supervision.mode', 'supervision.mode', 'supervision.mode', 'supervision.end'],
      );
      const end = audit.find((e) => e.action === 'supervision.end');
      assert.deepEqual(end.details.modes.map((m: any) => m.mode), ['listen', 'whisper', 'barge', 'takeover']);
      assert.ok(audit.some((e) => e.actor === 'admin' && e.action === 'recording.audio' && e.recordingId === call.id));
      assert.ok(audit.some((e) => e.actor === 'otto' && e.action.endsWith('.denied')));
      assert.equal((await api('GET', '/audit', undefined, SUE)).status, 403);
    } finally {
      await app.close();
    }
  });
});
