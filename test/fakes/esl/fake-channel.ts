import type { FakeConn } from './fake-conn.ts';

/** An application running (or queued) on a fake channel. */
export interface FakeApp {
  name: string;
  arg: string;
  appUuid: string;
  /** Media apps run until finished, broken or hung up; `park`/`eavesdrop` until transferred. */
  kind: 'media' | 'park' | 'eavesdrop' | 'instant';
  locked: boolean;
}

/** One simulated FreeSWITCH channel. */
export interface FakeChannel {
  uuid: string;
  name: string;
  direction: 'inbound' | 'outbound';
  callerNumber: string;
  callerName: string;
  destination: string;
  vars: Map<string, string>;
  answered: boolean;
  hungUp: boolean;
  /** Apps running, outermost first; the innermost (last) gets DTMF breaks and finishes first. */
  running: FakeApp[];
  /** `event-lock` executes waiting for the running one. */
  queue: FakeApp[];
  recordings: Map<string, { masked: boolean }>;
  bridgedWith?: string;
  eavesdrop?: { target: string; whisperA: boolean; whisperB: boolean };
  /** The Hotline socket controlling it (inbound calls). */
  socket?: FakeConn;
  /** Pending originate: answered or rejected by the far-end API. */
  originate?: { resolve: (body: string) => void; app: string };
  lastResponse: string;
  /** Sent by Hotline with uuid_send_dtmf (heard by the far end). */
  dtmfSent: string;
  transferredTo?: string;
  /**
   * Times the `socket` app returned with the channel still up (Hotline's socket dropped after
   * `connect`): the dialplan went on to its next action (behaviour 9).
   */
  socketReturns: number;
}

export function newChannel(init: {
  uuid: string;
  name: string;
  direction: 'inbound' | 'outbound';
  callerNumber: string;
  callerName: string;
  destination: string;
  vars?: Record<string, string>;
}): FakeChannel {
  const vars = new Map<string, string>([
    ['direction', init.direction],
    ['uuid', init.uuid],
    ['session_id', '1'],
    ['channel_name', init.name],
    ['read_codec', 'L16'],
    ['read_rate', '8000'],
    ['write_codec', 'L16'],
    ['write_rate', '8000'],
    ...Object.entries(init.vars ?? {}),
  ]);
  return {
    ...init,
    vars,
    answered: false,
    hungUp: false,
    running: [],
    queue: [],
    recordings: new Map(),
    lastResponse: '_none_',
    dtmfSent: '',
    socketReturns: 0,
  };
}

/** Headers every channel event carries, with this channel's values (overriding the template's). */
export function channelFields(ch: FakeChannel): Record<string, string> {
  const answerState = ch.hungUp ? 'hangup' : ch.answered ? 'answered' : 'ringing';
  return {
    'Channel-State': ch.hungUp ? 'CS_HANGUP' : 'CS_EXECUTE',
    'Channel-Call-State': ch.hungUp ? 'HANGUP' : ch.answered ? 'ACTIVE' : 'RINGING',
    'Channel-Name': ch.name,
    'Unique-ID': ch.uuid,
    'Call-Direction': ch.direction,
    'Presence-Call-Direction': ch.direction,
    'Channel-Call-UUID': ch.uuid,
    'Answer-State': answerState,
    'Caller-Direction': ch.direction,
    'Caller-Logical-Direction': ch.direction,
    'Caller-Caller-ID-Name': ch.callerName,
    'Caller-Caller-ID-Number': ch.callerNumber,
    'Caller-Orig-Caller-ID-Name': ch.callerName,
    'Caller-Orig-Caller-ID-Number': ch.callerNumber,
    'Caller-ANI': ch.callerNumber,
    'Caller-Destination-Number': ch.destination,
    'Caller-Unique-ID': ch.uuid,
    'Caller-Channel-Name': ch.name,
  };
}

/** The `connect` reply's extra `Channel-*` copy of the caller profile. */
export function channelDataFields(ch: FakeChannel): Record<string, string> {
  return {
    ...channelFields(ch),
    'Channel-Direction': ch.direction,
    'Channel-Logical-Direction': ch.direction,
    'Channel-Caller-ID-Name': ch.callerName,
    'Channel-Caller-ID-Number': ch.callerNumber,
    'Channel-Orig-Caller-ID-Name': ch.callerName,
    'Channel-Orig-Caller-ID-Number': ch.callerNumber,
    'Channel-ANI': ch.callerNumber,
    'Channel-Destination-Number': ch.destination,
    'Channel-Unique-ID': ch.uuid,
    'Channel-Channel-Name': ch.name,
  };
}
