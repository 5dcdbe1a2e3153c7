import { AriTelephonyDriver } from '../../../src/adapters/ari/ari-driver.ts';
import type { Bridge, CallLeg } from '../../../src/ports/telephony.ts';
import { until } from '../../contract/ari-harness.ts';
import { FakeAriServer } from '../../fakes/ari/fake-ari-server.ts';

/** A fake Asterisk with a manual clock for recording durations, and the real driver on it. */
export interface AriRig {
  fake: FakeAriServer;
  driver: AriTelephonyDriver;
  /** Moves the fake's clock (recording durations and mutes). */
  advance(ms: number): void;
  /** Waits until the driver has every event the fake sent. */
  drained(): Promise<void>;
  /** A caller in a mixing bridge with an answered agent, and an answered supervisor leg. */
  connectedCall(): Promise<{ caller: CallLeg; agent: CallLeg; supervisor: CallLeg; bridge: Bridge }>;
  /** REST requests from index `from` on, as `METHOD /path?sorted=query`. */
  requestsSince(from: number): string[];
  close(): Promise<void>;
}

export async function createAriRig(): Promise<AriRig> {
  let now = Date.parse('2026-11-22T10:42:40.000Z');
  const fake = await new FakeAriServer({ username: 'hotline', password: 'ari-secret', now: () => now }).start();
  const driver = new AriTelephonyDriver({ url: fake.url, username: 'hotline', password: 'ari-secret', app: 'hotline' });
  const handed = new Map<string, CallLeg>();
  await driver.start((leg) => handed.set(leg.id, leg));
  const drained = () => until(() => driver.eventsReceived >= fake.sentCount(), 'events to reach the driver');
  const originated = async (to: string, purpose: 'agent' | 'supervisor') => {
    const leg = await driver.originate({ to, timeoutMs: 20_000, purpose });
    await until(() => fake.channels.has(leg.id), `channel ${leg.id}`);
    fake.answerOriginated(leg.id);
    await drained();
    return leg;
  };
  return {
    fake,
    driver,
    advance: (ms) => {
      now += ms;
    },
    drained,
    connectedCall: async () => {
      const id = fake.placeInbound({ to: '100', from: '5551004', callerName: 'Dave' });
      await until(() => handed.has(id), 'the call to be handed over');
      const caller = handed.get(id)!;
      await caller.answer();
      const agent = await originated('PJSIP/200', 'agent');
      const supervisor = await originated('PJSIP/300', 'supervisor');
      const bridge = await driver.createBridge({ purpose: 'call' });
      await bridge.addLeg(caller.id);
      await bridge.addLeg(agent.id);
      await drained();
      return { caller, agent, supervisor, bridge };
    },
    requestsSince: (from) =>
      fake.requests.slice(from).map((r) => {
        const q = new URLSearchParams(Object.entries(r.query).sort(([a], [b]) => a.localeCompare(b))).toString();
        return `${r.method} ${r.path}${q ? `?${q}` : ''}`;
      }),
    close: async () => {
      await driver.stop();
      await fake.close();
    },
  };
}
