import { randomUUID } from 'node:crypto';
import type { FakeConn } from './fake-conn.ts';
import { newChannel } from './fake-channel.ts';
import type { FakeFreeSwitch } from './fake-freeswitch.ts';

const NO_CHANNEL = '-ERR No such channel!\n';
const ORIGINATE_USAGE = '-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]\n';
const RECORD_USAGE = '-USAGE: <uuid> [start|stop|mask|unmask] <path> [<limit>] [<recording_vars>]\n';
const CAUSES = new Set([
  'NORMAL_CLEARING', 'USER_BUSY', 'NO_ANSWER', 'CALL_REJECTED', 'NO_USER_RESPONSE', 'ORIGINATOR_CANCEL', 'MANAGER_REQUEST',
  'NORMAL_TEMPORARY_FAILURE', 'DESTINATION_OUT_OF_ORDER', 'NORMAL_CIRCUIT_CONGESTION', 'SUBSCRIBER_ABSENT', 'USER_NOT_REGISTERED',
]);

/** Destinations the captured FreeSWITCH refused outright (originate-failures.jsonl). */
function dialFailure(dial: string): string | undefined {
  if (/^user\/1000(@127\.0\.0\.1)?$/.test(dial)) return 'USER_NOT_REGISTERED';
  if (dial.startsWith('user/')) return 'SUBSCRIBER_ABSENT';
  if (dial.startsWith('sofia/gateway/')) return 'INVALID_GATEWAY';
  if (/^sofia\/(?!internal\/|external\/)/.test(dial)) return 'INVALID_PROFILE';
  if (!/^(loopback|sofia|user|verto)\//.test(dial)) return 'CHAN_NOT_IMPLEMENTED';
  if (/^loopback\/busy-sim\//.test(dial)) return 'USER_BUSY';
  if (/^loopback\/reject-sim\//.test(dial)) return 'CALL_REJECTED';
  if (/^loopback\/(no-such-ext\/|[^/]+\/no-such-context)/.test(dial)) return 'NO_ROUTE_DESTINATION';
  if (/^loopback\/noanswer-sim\//.test(dial)) return 'NO_ANSWER';
  if (/^sofia\/internal\/.*:5999/.test(dial)) return 'NORMAL_TEMPORARY_FAILURE';
  return undefined;
}

/** Parses `{a=b,c='d, e'}` respecting single quotes and backslash escapes. */
export function parseOriginateVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  let key = '';
  let value = '';
  let inKey = true;
  let quoted = false;
  const flush = (): void => {
    if (key) vars[key.trim()] = value;
    key = '';
    value = '';
    inKey = true;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length) {
      value += text[++i];
    } else if (c === "'" && !inKey) {
      quoted = !quoted;
    } else if (c === ',' && !quoted) {
      flush();
    } else if (c === '=' && inKey) {
      inKey = false;
    } else if (inKey) key += c;
    else value += c;
  }
  flush();
  return vars;
}

/** Runs one api command (`api` or `bgapi`) and returns the api/response body. */
export async function runApi(fs: FakeFreeSwitch, line: string, conn: FakeConn): Promise<string> {
  const [cmd = '', ...args] = line.split(' ');
  const live = (uuid: string | undefined) => {
    const ch = uuid ? fs.channels.get(uuid) : undefined;
    return ch && !ch.hungUp ? ch : undefined;
  };
  switch (cmd) {
    case 'status':
      return `UP 0 years, 0 days, 0 hours, 1 minutes, 0 seconds, 0 milliseconds, 0 microseconds\nFreeSWITCH (Version 1.10.12-release  64bit) is ready\n${fs.channels.size} session(s) since startup\n`;
    case 'version':
      return 'FreeSWITCH Version 1.10.12-release~64bit ( 64bit)\n';
    case 'show': {
      const n = [...fs.channels.values()].filter((c) => !c.hungUp).length;
      if (args.join(' ') === 'calls count' || args.join(' ') === 'channels count') return `\n${n} total.\n`;
      return '-USAGE: show <what>\n';
    }
    case 'log':
      return '+OK\n';
    case 'uuid_exists':
      return live(args[0]) ? 'true' : 'false';
    case 'uuid_kill': {
      const ch = live(args[0]);
      if (!ch) return NO_CHANNEL;
      fs.later(() => fs.hangupChannel(ch, args[1] && CAUSES.has(args[1]) ? args[1] : 'NORMAL_CLEARING'));
      return '+OK\n';
    }
    case 'uuid_getvar': {
      const ch = live(args[0]);
      if (!ch) return NO_CHANNEL;
      return ch.vars.get(args[1] ?? '') ?? '_undef_';
    }
    case 'uuid_setvar': {
      const ch = live(args[0]);
      if (!ch) return NO_CHANNEL;
      if (!args[1]) return '-USAGE: <uuid> <var> [value]\n';
      const value = args.slice(2).join(' ');
      if (value) ch.vars.set(args[1], value);
      else ch.vars.delete(args[1]);
      return '+OK\n';
    }
    case 'uuid_setvar_multi': {
      const ch = live(args[0]);
      if (!ch) return NO_CHANNEL;
      for (const pair of args.slice(1).join(' ').split(';')) {
        const eq = pair.indexOf('=');
        if (eq > 0) ch.vars.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
      return '+OK\n';
    }
    case 'uuid_break': {
      const ch = live(args[0]);
      if (!ch) return NO_CHANNEL;
      const media = [...ch.running].reverse().find((a) => a.kind === 'media');
      if (media) fs.later(() => fs.completeMedia(ch, media, 'break', 'FILE PLAYED'));
      if (args[1] === 'all') ch.queue = ch.queue.filter((a) => a.name !== 'playback');
      return '+OK\n';
    }
    case 'uuid_send_dtmf': {
      const ch = live(args[0]);
      if (!ch) return NO_CHANNEL;
      ch.dtmfSent += args[1] ?? '';
      return '+OK\n';
    }
    case 'uuid_record': {
      const [uuid, action, path] = args;
      const ch = live(uuid);
      if (!ch) return '-ERR Cannot locate session!\n';
      if (!path || !['start', 'stop', 'mask', 'unmask'].includes(action ?? '')) return RECORD_USAGE;
      if (action === 'start') {
        ch.recordings.set(path, { masked: false });
        fs.later(() => fs.emitChannel(ch, 'RECORD_START', { 'Record-File-Path': path }));
        return '+OK Success\n';
      }
      const rec = ch.recordings.get(path);
      if (!rec) return action === 'stop' ? '-ERR Cannot stop record session!\n' : '-ERR Cannot mask recording session!\n';
      if (action === 'stop') {
        ch.recordings.delete(path);
        fs.later(() => fs.emitChannel(ch, 'RECORD_STOP', { 'Record-File-Path': path, 'Record-Completion-Cause': 'success-maxtime' }));
      } else rec.masked = action === 'mask';
      return '+OK Success\n';
    }
    case 'uuid_bridge': {
      const a = live(args[0]);
      const b = live(args[1]);
      if (!a || !b) return '-ERR Invalid uuid\n';
      fs.later(() => {
        // A leg bridged elsewhere leaves that bridge: its old partner is unbridged (and parks
        // with park_after_bridge, as Hotline sets on every bridged leg).
        for (const ch of [a, b]) {
          const old = ch.bridgedWith ? live(ch.bridgedWith) : undefined;
          if (!old || old === a || old === b) continue;
          ch.bridgedWith = undefined;
          old.bridgedWith = undefined;
          fs.emitChannel(old, 'CHANNEL_UNBRIDGE');
          if (old.vars.get('park_after_bridge') === 'true') fs.startApp(old, { name: 'park', arg: '', appUuid: randomUUID(), kind: 'park', locked: false });
        }
        fs.interrupt(a);
        fs.interrupt(b);
        a.bridgedWith = b.uuid;
        b.bridgedWith = a.uuid;
        fs.emitChannel(a, 'CHANNEL_BRIDGE', { 'Bridge-A-Unique-ID': a.uuid, 'Bridge-B-Unique-ID': b.uuid, 'Other-Leg-Unique-ID': b.uuid });
      });
      return `+OK ${b.uuid}\n`;
    }
    case 'uuid_transfer': {
      const both = args[1] === '-both';
      const rest = args.slice(args[1] === '-both' || args[1] === '-bleg' ? 2 : 1);
      const ch = live(args[0]);
      if (!ch) return NO_CHANNEL;
      if (rest.length === 0) return '-USAGE: <uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]\n';
      const [dest = '', dialplan] = rest;
      const partner = ch.bridgedWith ? live(ch.bridgedWith) : undefined;
      fs.later(() => {
        for (const target of both && partner ? [ch, partner] : [ch]) transfer(fs, target, dest, dialplan);
      });
      return '+OK\n';
    }
    case 'hupall':
      for (const ch of fs.channels.values()) if (!ch.hungUp) fs.later(() => fs.hangupChannel(ch, args[0] ?? 'MANAGER_REQUEST'));
      return `+OK hangup all channels with cause ${args[0] ?? 'MANAGER_REQUEST'}\n`;
    case 'originate':
      return originate(fs, args.join(' '), conn);
    default:
      return `-ERR ${cmd} Command not found!\n`;
  }
}

function transfer(fs: FakeFreeSwitch, ch: import('./fake-channel.ts').FakeChannel, dest: string, dialplan: string | undefined): void {
  const partner = ch.bridgedWith ? fs.channels.get(ch.bridgedWith) : undefined;
  if (partner) {
    partner.bridgedWith = undefined;
    ch.bridgedWith = undefined;
    fs.emitChannel(ch, 'CHANNEL_UNBRIDGE');
    if (partner.vars.get('park_after_bridge') === 'true' && !partner.hungUp) {
      fs.startApp(partner, { name: 'park', arg: '', appUuid: randomUUID(), kind: 'park', locked: false });
    }
  }
  fs.interrupt(ch);
  ch.transferredTo = `${dest} ${dialplan ?? 'XML'}`;
  if (dialplan !== 'inline') return;
  for (const step of dest.split(',')) {
    const colon = step.indexOf(':');
    const name = colon < 0 ? step : step.slice(0, colon);
    const arg = colon < 0 ? '' : step.slice(colon + 1);
    fs.startApp(ch, { name, arg, appUuid: randomUUID(), kind: 'instant', locked: false });
    if (name === 'park' || name === 'eavesdrop' || name === 'bridge') break;
  }
}

async function originate(fs: FakeFreeSwitch, text: string, conn: FakeConn): Promise<string> {
  const m = /^(?:\{([^}]*)\})?(\S+)\s+(\S+)/.exec(text.trim());
  if (!m || !m[3]?.startsWith('&')) return ORIGINATE_USAGE;
  const vars = parseOriginateVars(m[1] ?? '');
  const dial = m[2] as string;
  const failure = dialFailure(dial);
  if (failure) return `-ERR ${failure}\n`;
  const uuid = vars['origination_uuid'] ?? randomUUID();
  const ch = newChannel({
    uuid,
    name: dial.startsWith('loopback/') ? `${dial.split('/').slice(0, 2).join('/')}-a` : dial,
    direction: 'outbound',
    callerNumber: vars['origination_caller_id_number'] ?? '0000000000',
    callerName: vars['origination_caller_id_name'] ?? 'FreeSWITCH',
    destination: dial,
    vars,
  });
  fs.channels.set(uuid, ch);
  void conn;
  const result = new Promise<string>((resolve) => {
    ch.originate = { resolve, app: m[3] as string };
  });
  // The capture dialplan's extensions that answer by themselves.
  if (/^loopback\/(agent-sim|customer-sim|supervisor-sim|caller-sim|201|answer-park)\//.test(dial)) {
    fs.later(() => fs.answerOriginated(uuid));
  }
  return result;
}
