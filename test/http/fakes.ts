import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import type { CallView } from '../../src/core/call/types.ts';
import type { SessionStore } from '../../src/ports/stores.ts';
import type { TelephonyDriver } from '../../src/ports/telephony.ts';
import type { SimControl, SimLegControl } from '../../src/http/sim-routes.ts';

/** Captures pino JSON lines. */
export function captureLines(): { stream: Writable; lines: () => Record<string, any>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return {
    stream,
    lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>),
  };
}

export class FakeLeg implements SimLegControl {
  status = 'up';
  digits: string[] = [];
  said: string[] = [];
  advanced = 0;
  clock = { now: () => Date.parse('2026-11-23T14:00:00Z') + this.advanced };
  constructor(readonly id: string) {}
  pressDigits(d: string): void {
    this.digits.push(d);
  }
  say(t: string): void {
    this.said.push(t);
  }
  remoteHangup(): void {
    this.status = 'ended';
  }
  async advance(ms: number): Promise<void> {
    this.advanced += ms;
  }
}

export class FakeSim implements SimControl {
  legs = new Map<string, FakeLeg>();
  placed: unknown[] = [];
  placeCall(req: { to: string; from?: string; at?: number }): { id: string } {
    this.placed.push(req);
    const leg = new FakeLeg(`sim-${this.legs.size + 1}`);
    this.legs.set(leg.id, leg);
    return leg;
  }
  getLeg(id: string): FakeLeg | undefined {
    return this.legs.get(id);
  }
}

export function fakeDriver(ready = true): TelephonyDriver & { ready: boolean } {
  return {
    name: 'sim',
    ready,
    async start() {},
    async stop() {},
    isReady() {
      return this.ready;
    },
    getLeg: () => undefined,
  };
}

export function fakeStore(up = true): SessionStore & { up: boolean } {
  return {
    up,
    async save() {},
    async get() {
      return undefined;
    },
    async listActive() {
      return [];
    },
    async end() {},
    async delete() {},
    async ping() {
      if (!this.up) throw new Error('down');
    },
    async close() {},
  };
}

export function callView(id: string, state: 'active' | 'ended' = 'active'): CallView {
  return {
    id, flow: 'support-line', version: 'abc123', step: 'main-menu', path: ['welcome', 'main-menu'], variables: {}, prompts: [],
    state, direction: 'inbound', from: '+15551230000', to: '+18005550100', driver: 'sim', startedAt: '2026-11-23T14:00:00.000Z',
  };
}

/** Serves an express app on 127.0.0.1:0. */
export async function serve(app: Express): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
