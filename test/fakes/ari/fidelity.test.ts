import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { readCapture, type CaptureLine } from '../../adapters/ari/replay-support.ts';
import { until } from '../../contract/ari-harness.ts';
import { FakeAriServer } from './fake-ari-server.ts';

/** Keys (recursively) of a JSON value: the "shape" compared between Asterisk and the fake. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length > 0 ? [shape(value[0])] : [];
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, shape((value as Record<string, unknown>)[k])]));
  }
  return value === null ? 'null' : typeof value;
}

const ID_LIKE = /^(\d+\.\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
// Requests whose answer depends on what this fake does not model (RTP statistics of a real SIP
// peer, stored recordings left by earlier scenarios).
const NOT_REPRODUCIBLE = new Set(['GET /channels/{id}/rtp_statistics', 'GET /recordings/stored']);

interface Outcome {
  compared: number;
  mismatches: string[];
}

async function replayAgainstFake(file: string): Promise<Outcome> {
  const fake = await new FakeAriServer({ username: 'ivr', password: 'ivrsecret' }).start();
  // The captures ran one after another on one Asterisk: `record.jsonl` left `test1` behind.
  fake.stored.set('test1', { name: 'test1', format: 'wav' });
  const events: { type: string; channel?: { id: string; name: string } }[] = [];
  const ws = new WebSocket(`${fake.url.replace('http', 'ws')}/ari/events?app=ivr&api_key=ivr:ivrsecret&subscribeAll=false`);
  ws.on('message', (d) => events.push(JSON.parse(d.toString())));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const lines = readCapture(file);
  const responses = new Map<number, CaptureLine>();
  for (const l of lines) if (l.kind === 'http_response' && l.id !== undefined) responses.set(l.id, l);
  const ids = new Map<string, string>();
  const dialstatus = new Map<string, string>();
  const outcome: Outcome = { compared: 0, mismatches: [] };
  // Lets deferred emissions run, then waits until the client has every event the fake sent.
  const settle = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    await until(() => events.length >= fake.sentCount(), 'events from the fake');
  };
  const mapped = (id: string | undefined) => (id === undefined ? undefined : ids.get(id));

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.kind === 'ws_connect' && (line as { ws?: string }).ws !== 'main') {
      const q = new URLSearchParams((line as unknown as { query: Record<string, string> }).query).toString();
      const rejected = lines.slice(i + 1).find((l) => l.kind === 'ws_rejected') as (CaptureLine & { status: number }) | undefined;
      const status = await new Promise<number>((resolve) => {
        const probe = new WebSocket(`${fake.url.replace('http', 'ws')}/ari/events?${q}`);
        probe.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        probe.on('open', () => { probe.close(); resolve(101); });
        probe.on('error', () => undefined);
      });
      outcome.compared += 1;
      if (status !== rejected?.status) outcome.mismatches.push(`ws ${q}: ${status} vs ${rejected?.status}`);
      continue;
    }
    if (line.kind === 'ws_event' && line.event) {
      const e = line.event as Record<string, any>;
      await settle();
      const ch = e['channel'] as { id: string; name: string } | undefined;
      if (e['type'] === 'Dial') dialstatus.set(e['peer'].id, e['dialstatus']);
      if (e['type'] === 'StasisStart' && ch && !ids.has(ch.id)) {
        if (ch.name.startsWith('PJSIP/')) {
          ids.set(ch.id, fake.placeInbound({ to: e['channel'].dialplan.exten, from: e['channel'].caller.number, callerName: e['channel'].caller.name, app: 'ivr' }));
        } else {
          const seen = new Set(ids.values());
          const match = events.find((f) => f.type === 'StasisStart' && f.channel && !seen.has(f.channel.id) && f.channel.name.split('/')[0] === ch.name.split('/')[0]);
          if (match?.channel) ids.set(ch.id, match.channel.id);
        }
      } else if (e['type'] === 'StasisStart' && ch) {
        const fc = fake.channels.get(mapped(ch.id)!);
        if (fc && !fc.inStasis && fc.kind === 'originated') fake.answerOriginated(fc.json.id);
      } else if (e['type'] === 'ChannelDtmfReceived' && mapped(ch?.id)) {
        fake.sendDtmf(mapped(ch!.id)!, e['digit'], e['duration_ms']);
      } else if (e['type'] === 'ChannelHangupRequest' && !e['soft'] && mapped(ch?.id) && fake.channels.get(mapped(ch!.id)!)?.inStasis) {
        fake.hangup(mapped(ch!.id)!, e['cause'] ?? 16);
      } else if (e['type'] === 'PlaybackFinished' && mapped(e['playback'].id) && fake.playbacks.has(mapped(e['playback'].id)!)) {
        const target = String(e['playback'].target_uri);
        if (target.startsWith('channel:')) fake.finishPlayback(mapped(target.slice(8))!);
      } else if (e['type'] === 'ChannelDestroyed' && mapped(ch?.id)) {
        const fc = fake.channels.get(mapped(ch!.id)!);
        if (fc && !fc.inStasis && fc.kind === 'originated') fake.rejectOriginated(fc.json.id, dialstatus.get(ch!.id) === 'BUSY' ? 17 : e['cause']);
      }
      continue;
    }
    if (line.kind !== 'http_request' || !line.path) continue;
    const captured = responses.get(line.id!);
    const segments = line.path.split('/');
    if (segments.some((s) => ID_LIKE.test(s) && !ids.has(s))) continue; // refers to something we could not reproduce
    const template = segments.map((s) => (ids.has(s) || ID_LIKE.test(s) ? '{id}' : s)).join('/');
    if (NOT_REPRODUCIBLE.has(`${line.method} ${template}`)) continue;
    await settle();
    const path = segments.map((s) => ids.get(s) ?? s).join('/');
    const query = Object.fromEntries(Object.entries(line.query ?? {}).map(([k, v]) => [k, ids.get(v) ?? v]));
    const auth = (line as { auth?: string | null }).auth;
    const raw = (line as { body_is_raw_text?: boolean }).body_is_raw_text;
    const res = await fetch(`${fake.url}/ari${path}?${new URLSearchParams(query)}`, {
      method: line.method!,
      headers: {
        ...(auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {}),
        ...(line.body !== null && line.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(line.body !== null && line.body !== undefined ? { body: raw ? String(line.body) : JSON.stringify(line.body) } : {}),
    });
    const text = res.headers.get('content-type') === 'audio/wav' ? '' : await res.text();
    const body = text ? JSON.parse(text) : null;
    outcome.compared += 1;
    const what = `${line.method} ${line.path} (#${line.id})`;
    if (res.status !== captured?.status) {
      outcome.mismatches.push(`${what}: status ${res.status} vs captured ${captured?.status} ${JSON.stringify(body)}`);
      continue;
    }
    if (captured.body !== null && JSON.stringify(shape(body)) !== JSON.stringify(shape(captured.body))) {
      outcome.mismatches.push(`${what}: body ${JSON.stringify(shape(body))} vs captured ${JSON.stringify(shape(captured.body))}`);
    }
    const capturedId = (captured.body as { id?: string } | null)?.id;
    if (capturedId && body?.id && !ids.has(capturedId)) ids.set(capturedId, body.id);
  }
  ws.terminate();
  await fake.close();
  return outcome;
}

describe('fake ARI fidelity: captured REST exchanges replayed against the fake', () => {
  for (const file of ['errors.jsonl', 'dtmf-menu.jsonl', 'caller-hangup.jsonl', 'record.jsonl', 'continue-dialplan.jsonl',
    'bridge-snoop.jsonl', 'originate-failures.jsonl', 'full-call.jsonl', 'pjsip-inbound.jsonl', 'external-media.jsonl']) {
    it(`${file}: same status codes and body shapes`, async () => {
      const outcome = await replayAgainstFake(file);
      assert.ok(outcome.compared > 0);
      assert.deepEqual(outcome.mismatches, []);
    });
  }
});

let fake: FakeAriServer;
describe('fake ARI validation against the resource listings', () => {
  before(async () => {
    fake = await new FakeAriServer({ username: 'u', password: 'p' }).start();
  });
  after(() => fake.close());
  const call = async (method: string, path: string) => {
    const res = await fetch(`${fake.url}/ari${path}`, { method, headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` } });
    return { status: res.status, body: await res.json().catch(() => null) };
  };

  it('rejects unknown query parameters, bad enumerations and bad integers with 400', async () => {
    const id = fake.placeInbound({ to: '100', from: '5551000', app: 'x' });
    assert.equal((await call('POST', `/channels/${id}/play?media=sound:x&bogus=1`)).status, 400);
    assert.deepEqual(await call('DELETE', `/channels/${id}?reason=sideways`), { status: 400, body: { message: 'Invalid reason for hangup provided' } });
    assert.equal((await call('POST', `/channels/${id}/record?name=a&format=wav&maxDurationSeconds=ten`)).status, 400);
    assert.equal((await call('POST', `/channels/${id}/record?name=a&format=wav&terminateOn=5`)).status, 400);
  });

  it('parses several media like Asterisk: one comma-separated parameter (a repeated one keeps the last)', async () => {
    const id = fake.placeInbound({ to: '100', from: '5551000', app: 'x' });
    const both = await call('POST', `/channels/${id}/play?media=sound:a,digits:12&playbackId=p1`);
    assert.deepEqual([both.status, both.body.media_uri, both.body.next_media_uri], [201, 'sound:a', 'digits:12']);
    const repeated = await call('POST', `/channels/${id}/play?media=sound:a&media=sound:b&playbackId=p2`);
    assert.equal(repeated.body.media_uri, 'sound:b');
    assert.equal(repeated.body.next_media_uri, undefined);
  });
});

describe('fake ARI events look like the captured ones', () => {
  it('StasisStart and the caller hang-up sequence: keys, order, timestamp format', async () => {
    const server = await new FakeAriServer({ username: 'ivr', password: 'ivrsecret' }).start();
    const got: Record<string, unknown>[] = [];
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ari/events?app=ivr&api_key=ivr:ivrsecret&subscribeAll=false`);
    ws.on('message', (d) => got.push(JSON.parse(d.toString())));
    await new Promise((resolve) => ws.once('open', resolve));
    try {
      const id = server.placeInbound({ to: '103', from: '5551003', callerName: 'Bob', tech: 'Local' });
      const play = await fetch(`${server.url}/ari/channels/${id}/play?media=sound:demo-congrats`, {
        method: 'POST', headers: { authorization: `Basic ${Buffer.from('ivr:ivrsecret').toString('base64')}` },
      });
      assert.equal(play.status, 201);
      server.hangup(id, 16);
      await until(() => got.length >= 5, 'five events');
      const captured = readCapture('caller-hangup.jsonl').filter((l) => l.kind === 'ws_event').map((l) => l.event!);
      assert.deepEqual(got.map((e) => e['type']), ['StasisStart', 'PlaybackStarted', 'ChannelHangupRequest', 'PlaybackFinished', 'StasisEnd']);
      assert.deepEqual(captured.filter((e) => e.type !== 'ChannelStateChange').map((e) => e.type), got.map((e) => e['type']));
      for (const [mine, theirs] of got.map((e, i) => [e, captured.filter((c) => c.type !== 'ChannelStateChange')[i]!] as const)) {
        assert.deepEqual(Object.keys(mine), Object.keys(theirs), `key order of ${theirs.type}`);
        assert.deepEqual(shape(mine), shape(theirs), `shape of ${theirs.type}`);
        assert.match(String(mine['timestamp']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
      }
      assert.equal((got[3]!['playback'] as { state: string }).state, 'failed');
    } finally {
      ws.terminate();
      await server.close();
    }
  });
});
