import type { AriChannel } from '../../../src/adapters/ari/ari-types.ts';
import type { ApiOperation } from './api-spec.ts';
import { isTrue } from './api-spec.ts';
import { externalMedia } from './fake-ari-media.ts';
import type { FakeAriServer } from './fake-ari-server.ts';
import {
  emptyWav,
  HANGUP_REASONS,
  newBridgeJson,
  newChannelJson,
  parseCallerId,
  type FakeChannel,
} from './fake-ari-model.ts';

/** What a route answers. */
export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  raw?: Buffer;
}

type Params = Record<string, string>;
type Handler = (s: FakeAriServer, p: Params, path: Params, body: unknown) => RouteResult | Promise<RouteResult>;

// Parameters whose absence Asterisk reports with its own wording (captured in errors.jsonl).
const OWN_REQUIRED: Record<string, string[]> = {
  originate: ['endpoint'],
  play: ['media'],
  playWithId: ['media'],
  record: ['name', 'format'],
  getChannelVar: ['variable'],
  setChannelVar: ['variable'],
  snoopChannel: ['app'],
  snoopChannelWithId: ['app'],
  addChannel: ['channel'],
  removeChannel: ['channel'],
  redirect: ['endpoint'],
};
// Enumeration failures with Asterisk's own message.
const ENUM_MESSAGES: Record<string, string> = {
  'snoopChannel.spy': 'Invalid direction specified for spy',
  'snoopChannel.whisper': 'Invalid direction specified for whisper',
  'snoopChannelWithId.spy': 'Invalid direction specified for spy',
  'snoopChannelWithId.whisper': 'Invalid direction specified for whisper',
  'hangup.reason': 'Invalid reason for hangup provided',
};

const ok = (body?: unknown): RouteResult => (body === undefined ? { status: 204 } : { status: 200, body });
const err = (status: number, message: string): RouteResult => ({ status, body: { message } });
const NOT_FOUND = err(404, 'Channel not found');
const NOT_IN_STASIS = err(409, 'Channel not in Stasis application');
const FORMATS = ['wav', 'gsm', 'ulaw', 'alaw', 'sln', 'g722', 'wav49', 'g729'];
const TECHS = ['PJSIP', 'Local', 'SIP', 'IAX2', 'DAHDI', 'UnicastRTP'];
const BRIDGE_TYPES = ['mixing', 'holding', 'dtmf_events', 'proxy_media', 'video_sfu', 'video_single', 'sdp_label'];

/** Validates and answers one request matched to `op`. */
export function handleRoute(s: FakeAriServer, op: ApiOperation, path: Params, query: Params, body: unknown): RouteResult | Promise<RouteResult> {
  const params: Params = { ...query };
  // Asterisk reads body keys other than `variables` as parameters too.
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const [k, v] of Object.entries(body)) {
      if (k !== 'variables' && k !== 'fields' && params[k] === undefined) params[k] = Array.isArray(v) ? v.join(',') : String(v);
    }
  }
  const invalid = s.spec.validate(op, params, new Set(OWN_REQUIRED[op.nickname] ?? []));
  if (invalid) {
    const name = /for (\S+)$/.exec(invalid.message)?.[1];
    const own = name ? ENUM_MESSAGES[`${op.nickname}.${name}`] : undefined;
    return err(invalid.status, own ?? invalid.message);
  }
  const key = `${op.path.split('/')[1]}.${op.nickname}`;
  const handler = HANDLERS[key];
  return handler ? handler(s, params, path, body) : err(501, `Not implemented in the fake: ${op.nickname}`);
}

function channelOf(s: FakeAriServer, id: string | undefined, stasis: boolean): FakeChannel | RouteResult {
  const channel = id === undefined ? undefined : s.channels.get(id);
  if (!channel) return NOT_FOUND;
  if (stasis && !channel.inStasis) return NOT_IN_STASIS;
  return channel;
}

function isResult(x: FakeChannel | RouteResult): x is RouteResult {
  return 'status' in x;
}

function variablesOf(body: unknown): Record<string, string> {
  const vars = (body as { variables?: Record<string, unknown> } | null)?.variables ?? {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) out[k] = typeof v === 'object' && v ? String((v as { value?: unknown }).value ?? '') : String(v);
  return out;
}

function originate(s: FakeAriServer, p: Params, body: unknown, channelId?: string): RouteResult {
  if (!p['endpoint']) return err(400, 'Endpoint must be specified');
  if (!p['app'] && !p['extension']) return err(400, 'Application or extension must be specified');
  const [tech = '', resource = ''] = p['endpoint'].split('/');
  if (!TECHS.includes(tech) || !resource) return { status: 500, body: { error: 'Allocation failed' } };
  const id = channelId ?? p['channelId'] ?? s.nextId();
  if (s.channels.has(id)) return err(409, 'Channel with given unique ID already exists');
  const variables = variablesOf(body);
  const callerIdParsed = parseCallerId(p['callerId']);
  const caller = { name: variables['CALLERID(name)'] ?? callerIdParsed.name, number: variables['CALLERID(num)'] ?? callerIdParsed.number };
  const [exten = 's', context = 'default'] = tech === 'Local' ? resource.split('@') : ['s', 'default'];
  const suffix = s.localSuffix();
  const name = tech === 'Local' ? `Local/${resource}-${suffix};1` : `${tech}/${resource.split('@')[0]}-${suffix}`;
  const app = p['app'] ?? '';
  const channel = s.addChannel({
    kind: app ? 'originated' : 'local-outer', tech, app, appArgs: p['appArgs'] ? p['appArgs'].split(',') : [], inStasis: false,
    dialstring: tech === 'Local' ? resource : resource,
    json: newChannelJson({ id, name, state: 'Down', caller, connected: callerIdParsed,
      dialplan: { context, exten, priority: 1, app_name: 'AppDial2', app_data: '(Outgoing Line)' } }),
  });
  for (const [k, v] of Object.entries(variables)) channel.vars.set(k, v);
  const snapshot = structuredClone(channel.json);
  setImmediate(() => {
    if (!s.channels.has(id)) return;
    if (app) {
      s.emit('Dial', { dialstatus: '', forward: '', dialstring: channel.dialstring, peer: channel.json }, app);
      channel.json.state = 'Ringing';
      s.emit('ChannelStateChange', { channel: channel.json }, app);
      s.emit('Dial', { dialstatus: 'RINGING', forward: '', dialstring: channel.dialstring, peer: channel.json }, app);
    } else if (tech === 'Local' && p['context']) {
      // The fixtures' simulated inbound call: the ;2 half runs Stasis(<app>) in ivr-inbound.
      const inner = s.addChannel({
        kind: 'inbound', tech: 'Local', app: s.socketApp(), appArgs: [], inStasis: true, peerId: id,
        json: newChannelJson({ id: s.nextId(), name: name.replace(/;1$/, ';2'), state: 'Ring', caller, connected: caller,
          dialplan: { context, exten, priority: 2, app_name: 'Stasis', app_data: s.socketApp() } }),
      });
      channel.peerId = inner.json.id;
      channel.json.state = 'Up';
      s.emit('StasisStart', { args: [], channel: inner.json }, inner.app);
    }
  });
  return ok(snapshot);
}

function play(s: FakeAriServer, p: Params, target: { kind: 'channel' | 'bridge'; id: string }, playbackId?: string): RouteResult {
  if (!p['media']) return err(500, 'Failed to queue media for playback');
  const id = playbackId ?? p['playbackId'] ?? crypto.randomUUID();
  const media = p['media'].split(',');
  const queue = target.kind === 'channel' ? s.channels.get(target.id)?.queue : s.bridges.get(target.id)?.queue;
  const json = { id, media_uri: media[0] ?? '', ...(media.length > 1 ? { next_media_uri: media[1] } : {}),
    target_uri: `${target.kind}:${target.id}`, language: p['lang'] ?? 'en', state: 'queued' };
  s.playbacks.set(id, { json, media, index: 0, target, started: false });
  queue?.push(id);
  const snapshot = { ...json };
  if (queue?.[0] === id) s.startPlayback(id);
  return { status: 201, body: snapshot, headers: { location: `/ari/playbacks/${id}` } };
}

function record(s: FakeAriServer, p: Params, target: { kind: 'channel' | 'bridge'; id: string }): RouteResult {
  const name = p['name'];
  if (!name) return err(500, 'Error parsing request');
  if (!p['format'] || !FORMATS.includes(p['format'])) return err(422, 'specified format is unknown on this system');
  const ifExists = p['ifExists'] ?? 'fail';
  if (s.recordings.has(name) || (ifExists === 'fail' && s.stored.has(name))) {
    return err(409, `Recording '${name}' already exists and can not be overwritten`);
  }
  const json = { name, format: p['format'], state: 'queued', target_uri: `${target.kind}:${target.id}` };
  s.recordings.set(name, { json: { ...json, state: 'recording' }, target, terminateOn: p['terminateOn'] ?? 'none', startedAt: s.now() });
  const app = target.kind === 'channel' ? s.channels.get(target.id)?.app : undefined;
  s.emit('RecordingStarted', { recording: { ...json, state: 'recording' } }, app);
  return { status: 201, body: json, headers: { location: `/ari/recordings/live/${name}` } };
}

function snoop(s: FakeAriServer, p: Params, path: Params, snoopId?: string): RouteResult {
  const target = channelOf(s, path['channelId'], false);
  if (isResult(target)) return target;
  if (!p['app']) return err(400, 'Application name is required');
  const id = snoopId ?? p['snoopId'] ?? s.nextId();
  const args = p['appArgs'] ? p['appArgs'].split(',') : [];
  const channel = s.addChannel({
    kind: 'snoop', tech: 'Snoop', app: p['app'], appArgs: args, inStasis: true, snoopOf: target.json.id,
    snoop: { spy: p['spy'] ?? 'none', whisper: p['whisper'] ?? 'none' },
    json: newChannelJson({ id, name: `Snoop/${target.json.id}-${s.localSuffix()}`, state: 'Up',
      dialplan: { context: 'default', exten: 's', priority: 1, app_name: '', app_data: '' } }),
  });
  const snapshot = structuredClone(channel.json);
  channel.json.dialplan = { ...channel.json.dialplan, app_name: 'Stasis', app_data: [p['app'], ...args].join(',') };
  // Captured: the snoop's StasisStart can arrive before the REST reply.
  s.emit('StasisStart', { args, channel: channel.json }, channel.app);
  return ok(snapshot);
}

function withChannel(stasis: boolean, fn: (s: FakeAriServer, c: FakeChannel, p: Params, body: unknown) => RouteResult): Handler {
  return (s, p, path, body) => {
    const c = channelOf(s, path['channelId'], stasis);
    return isResult(c) ? c : fn(s, c, p, body);
  };
}

function withBridge(fn: (s: FakeAriServer, b: NonNullable<ReturnType<FakeAriServer['bridges']['get']>>, p: Params, path: Params) => RouteResult): Handler {
  return (s, p, path) => {
    const b = s.bridges.get(path['bridgeId'] ?? '');
    return b ? fn(s, b, p, path) : err(404, 'Bridge not found');
  };
}

function createBridge(s: FakeAriServer, p: Params, bridgeId?: string): RouteResult {
  const id = bridgeId ?? p['bridgeId'] ?? crypto.randomUUID();
  const type = p['type'] ?? 'mixing';
  if (!type.split(',').every((t) => BRIDGE_TYPES.includes(t))) {
    return err(500, `Unable to create bridge. Possible duplicate bridge id '${bridgeId ?? p['bridgeId'] ?? '(null)'}'`);
  }
  if (s.bridges.has(id)) return err(409, `Bridge with id '${id}' already exists`);
  const json = newBridgeJson(id, p['name'] ?? '', type);
  s.bridges.set(id, { json, queue: [] });
  return ok({ ...json, channels: [] });
}

function liveRecording(fn: (s: FakeAriServer, name: string, p: Params) => RouteResult): Handler {
  return (s, p, path) => {
    const name = path['recordingName'] ?? '';
    return s.recordings.has(name) ? fn(s, name, p) : err(404, 'Recording not found');
  };
}

function storedRecording(fn: (s: FakeAriServer, name: string, p: Params) => RouteResult): Handler {
  return (s, p, path) => {
    const name = path['recordingName'] ?? '';
    return s.stored.has(name) ? fn(s, name, p) : err(404, 'Recording not found');
  };
}

const HANDLERS: Record<string, Handler> = {
  'asterisk.getInfo': () => ok({ system: { version: '22.10.1', entity_id: '02:fc:00:00:00:01' } }),
  'asterisk.ping': () => ok({ asterisk_id: '02:fc:00:00:00:01', ping: 'pong', timestamp: new Date().toISOString() }),
  'endpoints.get': (_s, _p, path) => ok({ technology: path['tech'], resource: path['resource'], state: 'offline', channel_ids: [] }),
  'channels.list': (s) => ok([...s.channels.values()].map((c) => c.json)),
  'channels.originate': (s, p, _path, body) => originate(s, p, body),
  'channels.originateWithId': (s, p, path, body) => originate(s, p, body, path['channelId']),
  'channels.externalMedia': (s, p, _path, body) => externalMedia(s, p, variablesOf(body)),
  'channels.create': (s, p, _path, body) => {
    const result = originate(s, { ...p, app: p['app'] ?? '' }, body);
    const channel = result.status === 200 ? s.channels.get((result.body as AriChannel).id) : undefined;
    if (channel) {
      channel.kind = 'created';
      channel.json.dialplan = { ...channel.json.dialplan, app_name: '', app_data: '' };
      (result.body as AriChannel).dialplan = { ...channel.json.dialplan };
    }
    return result;
  },
  'channels.dial': withChannel(false, (s, c) => {
    c.inStasis = true;
    c.json.dialplan = { ...c.json.dialplan, app_name: 'Stasis', app_data: [c.app, ...c.appArgs].join(',') };
    s.emit('StasisStart', { args: c.appArgs, channel: c.json }, c.app);
    return ok();
  }),
  'channels.get': withChannel(false, (_s, c) => ok(c.json)),
  'channels.hangup': withChannel(false, (s, c, p) => {
    if (p['reason'] && p['reason_code']) return err(400, 'The reason and reason_code can\'t both be specified');
    const cause = p['reason_code'] ? Number(p['reason_code']) : HANGUP_REASONS[p['reason'] ?? 'normal'] ?? 16;
    s.hangupCauses.set(c.json.id, cause);
    // Captured both ways; events first keeps "nothing left after a 204" true for leftover checks.
    s.endChannel(c, { cause, soft: true });
    return ok();
  }),
  'channels.continueInDialplan': withChannel(true, (s, c, p) => {
    c.inStasis = false;
    if (c.bridgeId) s.leaveBridge(c);
    c.json.dialplan = { context: p['context'] ?? c.json.dialplan.context, exten: p['extension'] ?? c.json.dialplan.exten,
      priority: Number(p['priority'] ?? 1), app_name: '', app_data: '' };
    setImmediate(() => s.emit('StasisEnd', { channel: c.json }, c.app));
    return ok();
  }),
  'channels.redirect': withChannel(true, (s, c, p) => {
    if (!p['endpoint']) return err(400, 'Endpoint parameter not provided');
    if (p['endpoint'].split('/')[0] !== c.tech) return err(422, 'Endpoint is not the same type as the channel');
    setImmediate(() => {
      if (c.bridgeId) s.leaveBridge(c);
      c.inStasis = false;
      s.emit('StasisEnd', { channel: c.json }, c.app);
      s.channels.delete(c.json.id);
    });
    return ok();
  }),
  'channels.answer': withChannel(true, (s, c) => {
    if (c.json.state !== 'Up') {
      c.json.state = 'Up';
      s.emit('ChannelStateChange', { channel: c.json }, c.app);
    }
    return ok();
  }),
  'channels.ring': withChannel(true, () => ok()),
  'channels.ringStop': withChannel(true, () => ok()),
  'channels.sendDTMF': withChannel(true, (_s, c, p) => {
    if (!p['dtmf']) return err(400, 'DTMF is required');
    c.sentDtmf.push(p['dtmf']);
    return ok();
  }),
  'channels.startMoh': withChannel(true, (_s, c, p) => {
    c.moh = p['mohClass'] ?? 'default';
    return ok();
  }),
  'channels.stopMoh': withChannel(true, (_s, c) => {
    delete c.moh;
    return ok();
  }),
  'channels.play': withChannel(true, (s, c, p) => play(s, p, { kind: 'channel', id: c.json.id })),
  'channels.playWithId': (s, p, path) => {
    const c = channelOf(s, path['channelId'], true);
    return isResult(c) ? c : play(s, p, { kind: 'channel', id: c.json.id }, path['playbackId']);
  },
  'channels.record': withChannel(true, (s, c, p) => record(s, p, { kind: 'channel', id: c.json.id })),
  'channels.getChannelVar': withChannel(false, (_s, c, p) => {
    const name = p['variable'];
    if (!name) return err(400, 'Variable name is required');
    const computed: Record<string, string> = {
      'CALLERID(num)': c.json.caller.number, 'CALLERID(name)': c.json.caller.name,
      'CALLERID(all)': `"${c.json.caller.name}" <${c.json.caller.number}>`,
      ...(c.tech === 'PJSIP' ? { 'CHANNEL(pjsip,remote_addr)': '127.0.0.1:5060' } : {}),
    };
    const value = c.vars.get(name) ?? computed[name];
    return value === undefined ? err(404, 'Provided variable was not found') : ok({ value });
  }),
  'channels.setChannelVar': withChannel(false, (s, c, p) => {
    const name = p['variable'];
    if (!name) return err(400, 'Variable name is required');
    c.vars.set(name, p['value'] ?? '');
    s.emit('ChannelVarset', { variable: name, value: p['value'] ?? '', channel: c.json }, c.app, true);
    return ok();
  }),
  'channels.snoopChannel': (s, p, path) => snoop(s, p, path),
  'channels.snoopChannelWithId': (s, p, path) => snoop(s, p, path, path['snoopId']),
  'channels.rtpstatistics': withChannel(false, (_s, c) =>
    c.tech === 'PJSIP' ? ok({ txcount: 0, rxcount: 0, channel_uniqueid: c.json.id }) : err(404, 'RTP info not found')),
  'bridges.list': (s) => ok([...s.bridges.values()].map((b) => b.json)),
  'bridges.create': (s, p) => createBridge(s, p),
  'bridges.createWithId': (s, p, path) => createBridge(s, p, path['bridgeId']),
  'bridges.get': withBridge((_s, b) => ok(b.json)),
  'bridges.destroy': withBridge((s, b) => {
    setImmediate(() => {
      for (const id of [...b.json.channels]) {
        const c = s.channels.get(id);
        if (c) s.leaveBridge(c);
      }
      for (const id of b.queue.splice(0)) s.playbacks.delete(id);
      // The bridge's recorder goes with it: the recording ends and is stored.
      for (const [name, rec] of [...s.recordings]) {
        if (rec.target.kind === 'bridge' && rec.target.id === b.json.id) s.finishRecording(name, 'done');
      }
      s.bridges.delete(b.json.id);
      s.emit('BridgeDestroyed', { bridge: b.json });
    });
    return ok();
  }),
  'bridges.addChannel': withBridge((s, b, p) => {
    if (!p['channel']) return err(400, 'Missing parameter channel');
    const members = p['channel'].split(',').map((id) => s.channels.get(id));
    if (members.some((c) => !c)) return err(400, 'Channel not found');
    if (members.some((c) => !c?.inStasis)) return err(422, 'Channel not in Stasis application');
    for (const c of members as FakeChannel[]) {
      if (c.bridgeId === b.json.id) continue;
      if (c.bridgeId) s.leaveBridge(c);
      c.bridgeId = b.json.id;
      b.json.channels.push(c.json.id);
      s.emit('ChannelEnteredBridge', { bridge: b.json, channel: c.json }, c.app);
    }
    return ok();
  }),
  'bridges.removeChannel': withBridge((s, b, p) => {
    if (!p['channel']) return err(400, 'Missing parameter channel');
    const members = p['channel'].split(',').map((id) => s.channels.get(id));
    if (members.some((c) => !c)) return err(400, 'Channel not found');
    if (members.some((c) => c?.bridgeId !== b.json.id)) return err(422, 'Channel not in this bridge');
    for (const c of members as FakeChannel[]) s.leaveBridge(c);
    return ok();
  }),
  'bridges.startMoh': withBridge((_s, b, p) => {
    b.moh = p['mohClass'] ?? 'default';
    return ok();
  }),
  'bridges.stopMoh': withBridge((_s, b) => {
    delete b.moh;
    return ok();
  }),
  'bridges.play': withBridge((s, b, p) => play(s, p, { kind: 'bridge', id: b.json.id })),
  'bridges.playWithId': withBridge((s, b, p, path) => play(s, p, { kind: 'bridge', id: b.json.id }, path['playbackId'])),
  'bridges.record': withBridge((s, b, p) => record(s, p, { kind: 'bridge', id: b.json.id })),
  'playbacks.get': (s, _p, path) => {
    const pb = s.playbacks.get(path['playbackId'] ?? '');
    return pb ? ok(pb.json) : err(404, 'Playback not found');
  },
  'playbacks.stop': (s, _p, path) => {
    const id = path['playbackId'] ?? '';
    if (!s.playbacks.has(id)) return err(404, 'Playback not found');
    setImmediate(() => s.completePlayback(id, 'stopped'));
    return ok();
  },
  'playbacks.control': (s, _p, path) => (s.playbacks.has(path['playbackId'] ?? '') ? ok() : err(404, 'Playback not found')),
  'recordings.getLive': liveRecording((s, name) => ok(s.recordings.get(name)?.json)),
  'recordings.stop': liveRecording((s, name) => {
    setImmediate(() => s.finishRecording(name, 'done'));
    return ok();
  }),
  'recordings.cancel': liveRecording((s, name) => {
    s.recordings.delete(name);
    return ok();
  }),
  'recordings.pause': liveRecording((s, name) => {
    const rec = s.recordings.get(name);
    if (rec?.json.state !== 'recording') return err(409, 'Recording not in session');
    rec.json.state = 'paused';
    return ok();
  }),
  'recordings.unpause': liveRecording((s, name) => {
    const rec = s.recordings.get(name);
    if (rec?.json.state !== 'paused') return err(409, 'Recording not in session');
    rec.json.state = 'recording';
    return ok();
  }),
  // Not in the captures; per api-docs (404 not found, 409 not in session) and res_ari_recordings:
  // allowed while recording or paused, and muting twice is not an error.
  'recordings.mute': liveRecording((s, name) => {
    const rec = s.recordings.get(name);
    if (rec?.json.state !== 'recording' && rec?.json.state !== 'paused') return err(409, 'Recording not in session');
    if (!rec.muted) (rec.mutes ??= []).push({ from: s.now() });
    rec.muted = true;
    return ok();
  }),
  'recordings.unmute': liveRecording((s, name) => {
    const rec = s.recordings.get(name);
    if (rec?.json.state !== 'recording' && rec?.json.state !== 'paused') return err(409, 'Recording not in session');
    const open = rec.mutes?.at(-1);
    if (rec.muted && open && open.to === undefined) open.to = s.now();
    rec.muted = false;
    return ok();
  }),
  'recordings.listStored': (s) => ok([...s.stored.values()].sort((a, b) => a.name.localeCompare(b.name))),
  'recordings.getStored': storedRecording((s, name) => ok(s.stored.get(name))),
  'recordings.deleteStored': storedRecording((s, name) => {
    s.stored.delete(name);
    s.files.delete(name);
    return ok();
  }),
  // res_ari_recordings: 403 "Recording could not be opened" when open(2) fails; the content type
  // is `<media type>/<extension>` (`audio/wav`). A recording with no file kept is header-only.
  'recordings.getStoredFile': storedRecording((s, name) => {
    if (s.unreadable.has(name)) return err(403, 'Recording could not be opened');
    return { status: 200, raw: s.files.get(name) ?? emptyWav() };
  }),
  'recordings.copyStored': storedRecording((s, name, p) => {
    const dest = p['destinationRecordingName'] ?? '';
    if (s.stored.has(dest)) return err(409, 'A recording with the same name already exists on the system');
    const copy = { name: dest, format: s.stored.get(name)?.format ?? 'wav' };
    s.stored.set(dest, copy);
    const file = s.files.get(name);
    if (file) s.files.set(dest, Buffer.from(file));
    return ok(copy);
  }),
};

export { isTrue };
