import type { Socket } from 'node:net';
import { EslParser } from '../../../src/adapters/esl/esl-parser.ts';

/** One ESL connection as the fake sees it (inbound listener or outbound socket to Hotline). */
export class FakeConn {
  readonly socket: Socket;
  readonly kind: 'inbound' | 'outbound';
  readonly parser = new EslParser();
  authed: boolean;
  format: 'plain' | 'json' | 'xml' = 'plain';
  events = new Set<string>();
  myevents = false;
  /** Controlled channel (outbound sockets). */
  channel?: string;
  /** `undefined`: no linger; -1: forever; n: seconds. */
  linger: number | undefined;
  closed = false;
  /** Hotline sent `connect` on this outbound socket (a drop after it lets the dialplan continue). */
  connected = false;
  /** Commands are answered strictly in order, like mod_event_socket's listener thread. */
  chain: Promise<void> = Promise.resolve();

  constructor(socket: Socket, kind: 'inbound' | 'outbound') {
    this.socket = socket;
    this.kind = kind;
    this.authed = kind === 'outbound';
    // mod_event_socket writes each frame as it is ready; without this, Nagle's algorithm holds
    // back the small frames that follow a reply until the peer's delayed ACK (~40 ms).
    socket.setNoDelay(true);
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }

  write(text: string): void {
    if (!this.closed && !this.socket.destroyed) this.socket.write(text);
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.end();
  }
}
