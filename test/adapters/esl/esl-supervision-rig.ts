import { createEslDriver, type EslTelephonyDriver } from '../../../src/adapters/esl/index.ts';
import type { Bridge, CallLeg } from '../../../src/ports/telephony.ts';
import { FakeFreeSwitch } from '../../fakes/esl/fake-freeswitch.ts';
import { waitFor } from '../../fakes/esl/wait-for.ts';

/** The ESL driver on a fake FreeSWITCH, with a connected caller–agent call and a supervisor leg. */
export interface EslRig {
  fake: FakeFreeSwitch;
  driver: EslTelephonyDriver;
  connectedCall(): Promise<{ caller: CallLeg; agent: CallLeg; supervisor: CallLeg; bridge: Bridge }>;
  /** `api …` commands from index `from` on, without the `api ` prefix. */
  apiSince(from: number): string[];
  close(): Promise<void>;
}

export async function createEslRig(options: { recordingsReadDir?: string } = {}): Promise<EslRig> {
  const password = 'rig-secret';
  const fake = new FakeFreeSwitch({ password });
  const port = await fake.listen();
  const driver = createEslDriver({
    host: '127.0.0.1', port, password, listen: '127.0.0.1:0', soundsDir: '/sounds', recordingsDir: '/usr/local/freeswitch/recordings',
    ...options,
  });
  const incoming: CallLeg[] = [];
  await driver.start((leg) => incoming.push(leg));
  fake.setHotline(driver.listenAddress!);
  const answered = async (to: string) => {
    const leg = await driver.originate({ to, timeoutMs: 20_000, purpose: 'agent' });
    await waitFor(() => fake.channels.get(leg.id)?.answered && fake.channels.get(leg.id)?.running.some((a) => a.name === 'park'), `${to} answered and parked`);
    return leg;
  };
  return {
    fake,
    driver,
    connectedCall: async () => {
      const id = fake.placeInbound({ to: '18005550100', from: '15551230001', callerName: 'Caller Sim' });
      const caller = await waitFor(() => incoming.find((l) => l.id === id), 'the inbound call');
      await caller.answer();
      const agent = await answered('loopback/agent-sim/hotline-test');
      const supervisor = await answered('loopback/supervisor-sim/hotline-test');
      const bridge = await driver.createBridge({ purpose: 'call' });
      await bridge.addLeg(caller.id);
      await bridge.addLeg(agent.id);
      await waitFor(() => fake.channels.get(caller.id)?.bridgedWith === agent.id, 'caller and agent bridged');
      return { caller, agent, supervisor, bridge };
    },
    apiSince: (from) => fake.commands.slice(from).filter((c) => c.command.startsWith('api ')).map((c) => c.command.slice(4)),
    close: async () => {
      await driver.stop();
      await fake.close();
    },
  };
}
