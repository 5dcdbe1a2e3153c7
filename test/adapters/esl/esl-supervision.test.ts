import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isHotlineError } from '../../../src/core/errors.ts';
import type { SuperviseMode } from '../../../src/ports/telephony.ts';
import type { EslSupervision } from '../../../src/adapters/esl/esl-supervision.ts';
import { waitFor } from '../../fakes/esl/wait-for.ts';
import { createEslRig, type EslRig } from './esl-supervision-rig.ts';

const code = (c: string) => (err: unknown) => isHotlineError(err) && err.code === c;
const FIXTURES = process.env['HOTLINE_ESL_FIXTURES'] ?? '/work/shared/fixtures/esl';

// The captured eavesdrop (bridge-eavesdrop.jsonl seq 67): the channel variables it ran with.
const capturedExecute = readFileSync(join(FIXTURES, 'bridge-eavesdrop.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.includes('"application":"eavesdrop"') && l.includes('CHANNEL_EXECUTE'))
  .map((l) => JSON.parse(JSON.parse(l).body) as Record<string, string>)[0]!;
const CAPTURED_EAVESDROP_VARS = Object.keys(capturedExecute).filter((k) => k.startsWith('variable_eavesdrop_')).map((k) => k.slice(9));

describe('ESL supervision on the fake FreeSWITCH', () => {
  let rig: EslRig;
  beforeEach(async () => {
    rig = await createEslRig();
  });
  afterEach(() => rig.close());

  async function supervised(mode: SuperviseMode) {
    const call = await rig.connectedCall();
    const from = rig.fake.commands.length;
    const sup = await rig.driver.supervise({
      supervisionId: 's1', callerLegId: call.caller.id, agentLegId: call.agent.id, supervisorLegId: call.supervisor.id, mode,
    });
    await settle(mode, call.supervisor.id, call.agent.id);
    return { ...call, sup, from };
  }

  /** Waits until the fake ran what the mode asks (commands land after their +OK). */
  async function settle(mode: SuperviseMode, supervisorId: string, agentId: string): Promise<void> {
    const sup = () => rig.fake.channels.get(supervisorId)!;
    if (mode === 'takeover') await waitFor(() => rig.fake.channels.get(agentId)?.hungUp && sup().bridgedWith, 'takeover');
    else {
      const aleg = mode !== 'listen';
      const bleg = mode === 'barge';
      await waitFor(() => sup().eavesdrop?.whisperA === aleg && sup().eavesdrop?.whisperB === bleg, `${mode} running`);
    }
  }

  function hearing(ids: { caller: { id: string }; agent: { id: string }; supervisor: { id: string } }): string[] {
    const name = new Map([[ids.caller.id, 'C'], [ids.agent.id, 'A'], [ids.supervisor.id, 'S']]);
    return [...rig.fake.audioPaths()].map((p) => p.split('->').map((id) => name.get(id) ?? id).join('->')).sort();
  }

  function assertSupervisorUp(supervisorId: string): void {
    assert.equal(rig.fake.channels.get(supervisorId)?.hungUp, false, 'the supervisor leg is up');
    assert.ok(!rig.fake.commands.some((c) => c.command.startsWith(`api uuid_kill ${supervisorId}`)), 'nobody killed the supervisor');
  }

  const expected: Record<SuperviseMode, string[]> = {
    listen: ['A->C', 'A->S', 'C->A', 'C->S'],
    whisper: ['A->C', 'A->S', 'C->A', 'C->S', 'S->A'],
    barge: ['A->C', 'A->S', 'C->A', 'C->S', 'S->A', 'S->C'],
    takeover: ['C->S', 'S->C'],
  };

  it('listen: one uuid_transfer into an inline eavesdrop on the agent, with the captured eavesdrop variables', async () => {
    const s = await supervised('listen');
    assert.deepEqual(rig.apiSince(s.from), [
      `uuid_transfer ${s.supervisor.id} set:eavesdrop_whisper_aleg=false,set:eavesdrop_whisper_bleg=false,set:eavesdrop_enable_dtmf=false,eavesdrop:${s.agent.id},park inline`,
    ]);
    const vars = rig.fake.channels.get(s.supervisor.id)!.vars;
    for (const name of CAPTURED_EAVESDROP_VARS) assert.ok(vars.has(name), `${name} set as in the capture`);
    assert.equal(rig.fake.channels.get(s.supervisor.id)!.eavesdrop?.target, s.agent.id);
    assert.deepEqual(hearing(s), expected.listen);
    assert.deepEqual(rig.fake.errors, []);
  });

  it('whisper reaches the agent only; barge reaches both', async () => {
    const s = await supervised('whisper');
    assert.deepEqual(hearing(s), expected.whisper);
    assert.equal(rig.fake.audioPaths().has(`${s.supervisor.id}->${s.caller.id}`), false, 'the caller never hears a whisper');
    await s.sup.setMode('barge');
    await settle('barge', s.supervisor.id, s.agent.id);
    assert.deepEqual(hearing(s), expected.barge);
  });

  it('every switch between listen, whisper and barge keeps the supervisor up; end() parks it out of the call', async () => {
    const s = await supervised('listen');
    const path: SuperviseMode[] = ['whisper', 'barge', 'listen', 'barge', 'whisper', 'listen'];
    let previous: SuperviseMode = 'listen';
    for (const mode of path) {
      const from = rig.fake.commands.length;
      await s.sup.setMode(mode);
      await settle(mode, s.supervisor.id, s.agent.id);
      assert.deepEqual(hearing(s), expected[mode], `${previous} → ${mode}`);
      const cmds = rig.apiSince(from);
      assert.equal(cmds.length, 1, `${previous} → ${mode}: one command`);
      assert.match(cmds[0]!, new RegExp(`^uuid_transfer ${s.supervisor.id} set:eavesdrop_whisper_aleg=(true|false),set:eavesdrop_whisper_bleg=(true|false),set:eavesdrop_enable_dtmf=false,eavesdrop:${s.agent.id},park inline$`));
      assertSupervisorUp(s.supervisor.id);
      previous = mode;
    }
    await s.sup.end();
    await waitFor(() => !rig.fake.channels.get(s.supervisor.id)!.eavesdrop, 'eavesdrop stopped');
    assert.deepEqual(rig.fake.channels.get(s.supervisor.id)!.running.map((a) => a.name), ['park']);
    assert.deepEqual(hearing(s), ['A->C', 'C->A']);
    assertSupervisorUp(s.supervisor.id);
    await assert.rejects(s.sup.setMode('listen'), code('HOTLINE_ERR_ILLEGAL_STATE'));
  });

  for (const from of ['listen', 'whisper', 'barge'] as const) {
    it(`${from} → takeover: supervisor bridged with the caller, agent hung up`, async () => {
      const s = await supervised(from);
      const mark = rig.fake.commands.length;
      await s.sup.setMode('takeover');
      await settle('takeover', s.supervisor.id, s.agent.id);
      assert.deepEqual(rig.apiSince(mark), [
        `uuid_setvar ${s.supervisor.id} park_after_bridge true`,
        `uuid_bridge ${s.supervisor.id} ${s.caller.id}`,
        `uuid_kill ${s.agent.id} NORMAL_CLEARING`,
      ]);
      assert.deepEqual(hearing(s), expected.takeover);
      assertSupervisorUp(s.supervisor.id);
      await assert.rejects(s.sup.setMode('barge'), code('HOTLINE_ERR_ILLEGAL_STATE'));
      // The caller leaving later leaves the supervisor parked, not hung up.
      rig.fake.hangup(s.caller.id);
      await waitFor(() => rig.fake.channels.get(s.supervisor.id)!.running.some((a) => a.name === 'park'), 'supervisor parked');
      assertSupervisorUp(s.supervisor.id);
      assert.equal(rig.fake.channels.get(s.supervisor.id)!.bridgedWith, undefined);
    });
  }

  for (const who of ['caller', 'agent', 'supervisor'] as const) {
    it(`the ${who} hanging up ends a whisper supervision: no eavesdrop is left running`, async () => {
      const s = await supervised('whisper');
      rig.fake.hangup(s[who].id);
      const sup = rig.fake.channels.get(s.supervisor.id)!;
      await waitFor(() => (s.sup as EslSupervision).ended, 'the supervision ended');
      await waitFor(() => sup.hungUp || !sup.eavesdrop, 'eavesdrop gone');
      await assert.rejects(s.sup.setMode('listen'), code('HOTLINE_ERR_ILLEGAL_STATE'));
      assert.ok(sup.hungUp || !sup.running.some((a) => a.kind === 'eavesdrop'), 'no eavesdrop');
      if (who !== 'supervisor') assertSupervisorUp(s.supervisor.id);
      assert.deepEqual(rig.fake.errors, []);
    });
  }
});
