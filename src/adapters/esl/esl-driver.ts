import { randomUUID } from 'node:crypto';
import { hotlineError } from '../../core/errors.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import { silentLogger } from '../../ports/logger.ts';
import type { SpeechSynthesizer } from '../../ports/speech.ts';
import type {
  Bridge, CallLeg, IncomingCallHandler, OriginateRequest, SuperviseRequest, Supervision, TelephonyDriver,
} from '../../ports/telephony.ts';
import { EslBridge } from './esl-bridge.ts';
import { eslError, isEslFailure } from './esl-errors.ts';
import { assertTarget, assertVarName, quoteOriginateValue, sanitizeCallerText } from './esl-escape.ts';
import { EslInboundClient } from './esl-inbound.ts';
import { EslCallLeg } from './esl-leg.ts';
import { EslOutboundServer, type OutboundChannel } from './esl-outbound-server.ts';
import type { EslEvent } from './esl-parser.ts';
import { EslSupervision } from './esl-supervision.ts';
import { EslRecordingMedia } from './esl-recording-media.ts';
import type { RecordingMedia } from '../../ports/recordings.ts';

/** Options of {@link EslTelephonyDriver}. */
export interface EslDriverOptions {
  host: string;
  port: number;
  password: string;
  /** Where the outbound-socket server listens (`127.0.0.1:8084`; port 0 picks one). */
  listen: string;
  /** FreeSWITCH-side folder of Hotline's sounds. `$${...}` is expanded by FreeSWITCH in app args. */
  soundsDir?: string;
  /** FreeSWITCH-side folder for recordings (where FreeSWITCH writes `<id>.wav`). */
  recordingsDir?: string;
  /**
   * The same folder as Hotline sees it (a shared volume). Without it the driver has no
   * `recordingMedia`: Hotline cannot read what FreeSWITCH wrote.
   */
  recordingsReadDir?: string;
  /** How a number is dialled; `{to}` is replaced. Targets with a `/` are dial strings already. */
  dialTemplate?: string;
  /** Dialplan context of number transfers. */
  transferContext?: string;
  logger?: Logger;
  synthesizer?: SpeechSynthesizer;
  /** Reconnect backoff of the inbound connection. */
  backoff?: { baseMs?: number; maxMs?: number };
  /** Clock of the reconnect timers (tests). */
  clock?: Clock;
}

/** Events the inbound connection needs: results of bgapi, and the life of originated legs. */
export const INBOUND_EVENTS = [
  'BACKGROUND_JOB', 'CHANNEL_ANSWER', 'CHANNEL_HANGUP', 'CHANNEL_HANGUP_COMPLETE', 'CHANNEL_EXECUTE',
  'CHANNEL_EXECUTE_COMPLETE', 'DTMF', 'PLAYBACK_START', 'PLAYBACK_STOP', 'RECORD_START', 'RECORD_STOP',
];

/**
 * FreeSWITCH over ESL. Inbound calls arrive on the outbound-socket server (`socket <listen> async
 * full` in the dialplan) and are controlled over their own socket; originated legs are placed
 * with `bgapi originate ... &park()` and controlled over the inbound connection. A channel that
 * was handed to Hotline before carries `hotline_session=1`, so when the shipped dialplan sends it
 * back to `socket` after Hotline died, any node reports it `recovered`.
 */
export class EslTelephonyDriver implements TelephonyDriver {
  /** Recordings are muted (silence kept in the file) around sensitive steps. */
  readonly canPauseRecordings = true;
  readonly name = 'esl' as const;
  readonly #opts: Required<Pick<EslDriverOptions, 'soundsDir' | 'recordingsDir' | 'dialTemplate' | 'transferContext'>> & EslDriverOptions;
  readonly #log: Logger;
  readonly #inbound: EslInboundClient;
  readonly #server: EslOutboundServer;
  #legs = new Map<string, EslCallLeg>();
  readonly #supervisions = new Map<string, EslSupervision>();
  /** Audio of finished recordings, read from {@link EslDriverOptions.recordingsReadDir}. */
  readonly recordingMedia?: RecordingMedia;
  #onCall: IncomingCallHandler | undefined;
  #listening = false;
  #address: { host: string; port: number } | undefined;

  constructor(options: EslDriverOptions) {
    if (!options.password || options.password === 'ClueCon') {
      throw hotlineError('HOTLINE_ERR_CONFIG', 'refusing the default ESL password ClueCon: set a real one in event_socket.conf.xml and ESL_PASSWORD');
    }
    this.#opts = {
      soundsDir: '$${sounds_dir}/hotline',
      recordingsDir: '$${recordings_dir}/hotline',
      dialTemplate: 'loopback/{to}/default',
      transferContext: 'default',
      ...options,
    };
    this.#log = (options.logger ?? silentLogger).child({ driver: 'esl' });
    this.#inbound = new EslInboundClient({
      host: options.host,
      port: options.port,
      password: options.password,
      events: INBOUND_EVENTS,
      logger: this.#log,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    this.#inbound.onEvent((event) => this.#onInboundEvent(event));
    if (options.recordingsReadDir) this.recordingMedia = new EslRecordingMedia(options.recordingsReadDir);
    this.#server = new EslOutboundServer({ logger: this.#log, onChannel: (ch) => void this.#onChannel(ch) });
  }

  /** The bound outbound-socket address (after `start`). */
  get listenAddress(): { host: string; port: number } | undefined {
    return this.#address;
  }

  async start(onCall: IncomingCallHandler): Promise<void> {
    this.#onCall = onCall;
    this.#address = await this.#server.listen(this.#opts.listen);
    this.#listening = true;
    await this.#inbound.start();
  }

  async stop(): Promise<void> {
    this.#listening = false;
    await this.#server.close();
    await this.#inbound.stop();
    this.#legs.clear();
  }

  isReady(): boolean {
    return this.#listening && this.#inbound.isReady();
  }

  getLeg(legId: string): CallLeg | undefined {
    return this.#legs.get(legId);
  }

  async originate(request: OriginateRequest): Promise<CallLeg> {
    const to = assertTarget(request.to);
    const uuid = randomUUID();
    const vars: string[] = [
      `origination_uuid=${uuid}`,
      `originate_timeout=${Math.max(1, Math.ceil(request.timeoutMs / 1000))}`,
      'hotline_session=1',
      `hotline_purpose=${request.purpose}`,
    ];
    const from = request.from ? sanitizeCallerText(request.from, 32).replace(/[^0-9A-Za-z+*#._-]/g, '') : '';
    if (from) vars.push(`origination_caller_id_number=${from}`);
    const name = request.callerName ? sanitizeCallerText(request.callerName) : '';
    if (name) vars.push(`origination_caller_id_name=${quoteOriginateValue(name)}`);
    for (const [key, value] of Object.entries(request.variables ?? {})) {
      vars.push(`${assertVarName(key)}=${quoteOriginateValue(value)}`);
    }
    const dial = to.includes('/') ? to : this.#opts.dialTemplate.replace('{to}', to);
    const conn = this.#inbound.connection();
    const leg = this.#newLeg({ id: uuid, direction: 'outbound', from: from || '', to }, false);
    this.#legs.set(uuid, leg);
    const job = conn.bgapi(`originate {${vars.join(',')}}${dial} &park()`);
    try {
      await job.accepted;
    } catch (err) {
      this.#legs.delete(uuid);
      throw err;
    }
    void job.result.then(
      (body) => {
        // `+OK <uuid>` once answered; `-ERR <CAUSE>` when it never came up (behaviour 10).
        if (body.startsWith('+OK')) leg.markAnswered();
        else leg.markHangup(body.replace(/^-ERR\s*/, '').trim().split(/\s+/)[0]);
      },
      () => leg.markDetached(),
    );
    return leg;
  }

  async createBridge(options?: { id?: string; purpose?: string }): Promise<Bridge> {
    return new EslBridge(options?.id ?? randomUUID(), (cmd) => this.#api(cmd), { recordingsDir: this.#opts.recordingsDir });
  }

  /** Joins a supervisor; the same `supervisionId` again switches the running one's mode. */
  async supervise(request: SuperviseRequest): Promise<Supervision> {
    const existing = this.#supervisions.get(request.supervisionId);
    if (existing) {
      await existing.setMode(request.mode);
      return existing;
    }
    const supervision = new EslSupervision(request.supervisionId, request, (cmd) => this.#api(cmd), (ended) => {
      if (this.#supervisions.get(ended.id) === ended) this.#supervisions.delete(ended.id);
    });
    this.#supervisions.set(supervision.id, supervision);
    try {
      await supervision.setMode(request.mode);
    } catch (err) {
      await supervision.end().catch(() => undefined);
      throw err;
    }
    return supervision;
  }

  async #api(cmd: string): Promise<string> {
    const body = await this.#inbound.connection().api(cmd);
    if (isEslFailure(body)) throw eslError(body, { command: cmd.split(' ')[0] });
    return body;
  }

  async #onChannel(channel: OutboundChannel): Promise<void> {
    const { data, connection } = channel;
    const id = data['Unique-ID'] as string;
    const recovered = data['variable_hotline_session'] === '1';
    const leg = this.#newLeg(
      {
        id,
        direction: 'inbound',
        from: data['Caller-Caller-ID-Number'] ?? '',
        to: data['variable_hotline_dnis'] || data['Caller-Destination-Number'] || '',
        callerName: data['Caller-Caller-ID-Name'] ?? '',
      },
      true,
      () => connection,
    );
    this.#legs.get(id)?.markDetached();
    this.#legs.set(id, leg);
    connection.onEvent((event) => {
      if (event.headers['Unique-ID'] === id) leg.handleEvent(event);
    });
    connection.onFrame((frame) => {
      // After CHANNEL_HANGUP_COMPLETE comes the linger notice: nothing more to hear.
      if (frame.contentType === 'text/disconnect-notice') connection.close();
    });
    connection.onClose(() => leg.markDetached());
    try {
      // Marks the channel as Hotline's for any node that sees it again, and turns off
      // FreeSWITCH's default `*` playback terminator (barge-in is ours, per playback).
      await connection.apiOk(`uuid_setvar_multi ${id} hotline_session=1;playback_terminators=none`);
    } catch (err) {
      this.#log.warn({ legId: id, err: (err as Error).message }, 'cannot set up the channel; releasing it to the dialplan');
      connection.destroy();
      return;
    }
    const variables: Record<string, string> = {};
    for (const [k, v] of Object.entries(data)) if (k.startsWith('variable_hotline_')) variables[k.slice('variable_'.length)] = v;
    this.#log.info({ legId: id, recovered }, 'call entered Hotline');
    this.#onCall?.(leg, { recovered, variables });
  }

  #newLeg(
    info: { id: string; direction: 'inbound' | 'outbound'; from: string; to: string; callerName?: string },
    viaSocket: boolean,
    connection: () => import('./esl-connection.ts').EslConnection = () => this.#inbound.connection(),
  ): EslCallLeg {
    return new EslCallLeg(info, {
      connection,
      viaSocket,
      paths: {
        soundsDir: this.#opts.soundsDir,
        recordingsDir: this.#opts.recordingsDir,
        ...(this.#opts.synthesizer ? { synthesizer: this.#opts.synthesizer } : {}),
      },
      logger: this.#log,
      transferContext: this.#opts.transferContext,
      onGone: (gone) => {
        if (this.#legs.get(gone.id) === gone) this.#legs.delete(gone.id);
      },
    });
  }

  #onInboundEvent(event: EslEvent): void {
    const id = event.headers['Unique-ID'];
    if (!id) return;
    // The inbound connection hears every channel's hang-up: a supervision outlives none of its legs.
    if (event.name === 'CHANNEL_HANGUP_COMPLETE') for (const supervision of [...this.#supervisions.values()]) supervision.legGone(id);
    const leg = this.#legs.get(id);
    // Socket legs hear their own events on their socket; only originated legs listen here.
    if (leg && leg.direction === 'outbound') leg.handleEvent(event);
  }
}
