import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Logger } from '../../ports/logger.ts';
import { silentLogger } from '../../ports/logger.ts';
import { assertOneLine } from './esl-escape.ts';
import { eslError, isEslFailure, unavailable } from './esl-errors.ts';
import { EslParser, isEventFrame, parseEvent, replyText, type EslEvent, type EslFrame } from './esl-parser.ts';

interface Waiter {
  resolve: (frame: EslFrame) => void;
  reject: (err: Error) => void;
}

/**
 * One ESL TCP connection, inbound (we dialled 8021) or outbound (FreeSWITCH dialled us).
 * FreeSWITCH answers commands strictly in order, with a `command/reply` or an `api/response`,
 * so replies are matched FIFO; events, log lines and disconnect notices never consume a reply.
 * `bgapi` carries our own `Job-UUID`, and its `BACKGROUND_JOB` is matched by it: every listener
 * subscribed to BACKGROUND_JOB receives every job's result, not only the one that asked.
 */
export class EslConnection {
  readonly #socket: Socket;
  readonly #parser = new EslParser();
  readonly #log: Logger;
  #replies: Waiter[] = [];
  #jobs = new Map<string, Waiter>();
  #eventListeners = new Set<(event: EslEvent) => void>();
  #frameListeners = new Set<(frame: EslFrame) => void>();
  #closeListeners = new Set<() => void>();
  #closed = false;

  constructor(socket: Socket, options: { logger?: Logger } = {}) {
    this.#socket = socket;
    this.#log = options.logger ?? silentLogger;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err) => this.#log.debug({ err: err.message }, 'esl socket error'));
    socket.on('close', () => this.#onClose());
  }

  /** False once the socket closed. */
  get open(): boolean {
    return !this.#closed;
  }

  /** Every event frame, parsed. */
  onEvent(listener: (event: EslEvent) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  /** Frames that are neither replies nor events (`auth/request`, disconnect notices, `log/data`). */
  onFrame(listener: (frame: EslFrame) => void): () => void {
    this.#frameListeners.add(listener);
    return () => this.#frameListeners.delete(listener);
  }

  onClose(listener: () => void): () => void {
    if (this.#closed) queueMicrotask(listener);
    else this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /**
   * Sends one command with optional headers and resolves with its reply frame. Throws
   * `HOTLINE_ERR_BAD_REQUEST` when any part has a line break (it would start another command).
   */
  command(line: string, headers: Record<string, string> = {}): Promise<EslFrame> {
    assertOneLine(line, 'ESL command');
    let text = `${line}\n`;
    for (const [name, value] of Object.entries(headers)) {
      assertOneLine(name, 'ESL header name');
      assertOneLine(value, 'ESL header value');
      text += `${name}: ${value}\n`;
    }
    text += '\n';
    if (this.#closed) return Promise.reject(unavailable(line.split(' ')[0] ?? 'command'));
    return new Promise<EslFrame>((resolve, reject) => {
      this.#replies.push({ resolve, reject });
      this.#socket.write(text);
    });
  }

  /** `command` that rejects when the reply text is `-ERR ...`. */
  async commandOk(line: string, headers: Record<string, string> = {}): Promise<string> {
    const frame = await this.command(line, headers);
    const text = replyText(frame);
    if (isEslFailure(text)) throw eslError(text, { command: line.split(' ')[0] });
    return text;
  }

  /** `api <cmd>`: resolves with the raw `api/response` body (which may lack a trailing newline). */
  async api(cmd: string): Promise<string> {
    const frame = await this.command(`api ${cmd}`);
    return frame.body ?? replyText(frame);
  }

  /** `api` that rejects with a HotlineError on `-ERR`/`-USAGE`. */
  async apiOk(cmd: string): Promise<string> {
    const body = await this.api(cmd);
    if (isEslFailure(body)) throw eslError(body, { command: cmd.split(' ')[0] });
    return body;
  }

  /**
   * `bgapi <cmd>` with our own Job-UUID. `accepted` resolves once FreeSWITCH queued the job;
   * `result` with the BACKGROUND_JOB body (`+OK ...` or `-ERR ...`, not interpreted here).
   */
  bgapi(cmd: string, jobUuid: string = randomUUID()): { jobUuid: string; accepted: Promise<void>; result: Promise<string> } {
    const result = new Promise<string>((resolve, reject) => {
      this.#jobs.set(jobUuid, { resolve: (frame) => resolve(frame.body ?? ''), reject });
    });
    result.catch(() => {});
    const accepted = this.command(`bgapi ${cmd}`, { 'Job-UUID': jobUuid }).then((frame) => {
      const text = replyText(frame);
      if (isEslFailure(text)) {
        this.#jobs.get(jobUuid)?.reject(eslError(text));
        this.#jobs.delete(jobUuid);
        throw eslError(text, { command: 'bgapi' });
      }
    });
    return { jobUuid, accepted, result };
  }

  /** `sendmsg [uuid]` with its headers; resolves on the immediate `+OK` (nothing has run yet). */
  async sendmsg(uuid: string | undefined, headers: Record<string, string>): Promise<void> {
    await this.commandOk(uuid ? `sendmsg ${uuid}` : 'sendmsg', headers);
  }

  /** Closes the socket (FreeSWITCH answers with its final disconnect notice). */
  close(): void {
    if (this.#closed) return;
    this.#socket.end();
    // A peer that never closes its side must not keep us waiting forever.
    setTimeout(() => this.#socket.destroy(), 2000).unref();
  }

  /** Closes at once. */
  destroy(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    let frames: EslFrame[];
    try {
      frames = this.#parser.push(chunk);
    } catch (err) {
      this.#log.error({ err: (err as Error).message }, 'esl framing error; closing');
      this.#socket.destroy();
      return;
    }
    for (const frame of frames) this.#dispatch(frame);
  }

  #dispatch(frame: EslFrame): void {
    if (frame.contentType === 'command/reply' || frame.contentType === 'api/response') {
      const waiter = this.#replies.shift();
      if (waiter) waiter.resolve(frame);
      else this.#log.warn({ contentType: frame.contentType }, 'esl reply without a pending command');
      return;
    }
    if (isEventFrame(frame)) {
      const event = parseEvent(frame);
      if (!event) return;
      if (event.name === 'BACKGROUND_JOB') {
        const jobUuid = event.headers['Job-UUID'];
        const job = jobUuid ? this.#jobs.get(jobUuid) : undefined;
        if (job && jobUuid) {
          this.#jobs.delete(jobUuid);
          job.resolve({ contentType: 'api/response', headers: {}, body: event.body ?? '' });
        }
      }
      for (const listener of [...this.#eventListeners]) this.#safe(() => listener(event));
      return;
    }
    for (const listener of [...this.#frameListeners]) this.#safe(() => listener(frame));
  }

  #safe(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#log.error({ err: (err as Error).message }, 'esl listener threw');
    }
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    const err = unavailable('connection closed');
    for (const waiter of this.#replies) waiter.reject(err);
    for (const job of this.#jobs.values()) job.reject(err);
    this.#replies = [];
    this.#jobs.clear();
    for (const listener of [...this.#closeListeners]) this.#safe(listener);
    this.#closeListeners.clear();
  }
}
