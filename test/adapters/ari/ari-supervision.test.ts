import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isHotlineError } from '../../../src/core/errors.ts';
import type { SuperviseMode, Supervision } from '../../../src/ports/telephony.ts';
import { readCapture } from './replay-support.ts';
import { createAriRig, type AriRig } from './ari-supervision-rig.ts';

const code = (c: string) => (err: unknown) => isHotlineError(err) && err.code === c;

// The captured client's snoops (bridge-snoop.jsonl seq 47 and 53): the query keys and the
// `/channels/{id}/snoop/{snoopId}` form with a client-chosen id.
const captured = readCapture('bridge-snoop.jsonl').filter((l) => l.kind === 'http_request' && /\/snoop/.test(l.path ?? ''));
const CAPTURED_SNOOP_KEYS = [...new Set(captured.map((l) => Object.keys(l.query ?? {}).sort().join(',')))];
const CAPTURED_WITH_ID = captured.find((l) => /^\/channels\/[^/]+\/snoop\/[^/]+$/.test(l.path ?? ''));

describe('ARI supervision on the fake Asterisk', () => {
  let rig: AriRig;
  beforeEach(async () => {
    rig = await createAriRig();
  });
  afterEach(() => rig.close());

  async function supervised(mode: SuperviseMode, supervisionId = 's1') {
    const call = await rig.connectedCall();
    const from = rig.fake.requests.length;
    const sup = await rig.driver.supervise({
      supervisionId, callerLegId: call.caller.id, agentLegId: call.agent.id, supervisorLegId: call.supervisor.id, mode,
    });
    await rig.drained();
    return { ...call, sup, from };
  }

  /** Who hears whom among caller (C), agent (A) and supervisor (S). */
  function hearing(ids: { caller: { id: string }; agent: { id: string }; supervisor: { id: string } }): string[] {
    const name = new Map([[ids.caller.id, 'C'], [ids.agent.id, 'A'], [ids.supervisor.id, 'S']]);
    return [...rig.fake.audioPaths()]
      .map((p) => p.split('->').map((id) => name.get(id) ?? id).join('->'))
      .sort();
  }

  function assertNoSupervisorHangup(supervisorId: string): void {
    assert.ok(rig.fake.channels.has(supervisorId), 'the supervisor leg is up');
    assert.ok(!rig.fake.requests.some((r) => r.method === 'DELETE' && r.path === `/channels/${supervisorId}`), 'nobody hung up the supervisor');
  }

  function assertAllAccepted(): void {
    const refused = rig.fake.requests.filter((r) => r.status >= 400).map((r) => `${r.method} ${r.path} ${r.status}`);
    assert.deepEqual(refused, [], 'the fake (validating against the api-docs) accepted every request');
  }

  const listenHearing = ['A->C', 'A->S', 'C->A', 'C->S'];
  const whisperHearing = ['A->C', 'A->S', 'C->A', 'C->S', 'S->A'];
  const bargeHearing = ['A->C', 'A->S', 'C->A', 'C->S', 'S->A', 'S->C'];

  it('listen: a spy=both whisper=none snoop on the agent in a private bridge, with the exact requests of the capture', async () => {
    const s = await supervised('listen');
    assert.deepEqual(rig.requestsSince(s.from), [
      'POST /bridges?bridgeId=hotline-sup-s1-1&name=hotline-supervision&type=mixing',
      `POST /channels/${s.agent.id}/snoop/hotline-snoop-s1-1?app=hotline&appArgs=hotline-snoop&spy=both&whisper=none`,
      'POST /bridges/hotline-sup-s1-1/addChannel?channel=hotline-snoop-s1-1',
      `POST /bridges/hotline-sup-s1-1/addChannel?channel=${s.supervisor.id}`,
    ]);
    const snoop = rig.fake.requests.find((r) => r.path.includes('/snoop'))!;
    assert.deepEqual(CAPTURED_SNOOP_KEYS, [Object.keys(snoop.query).sort().join(',')], 'same parameters as the captured snoops');
    assert.ok(CAPTURED_WITH_ID, 'the capture chose a snoop id in the path too');
    assert.deepEqual(hearing(s), listenHearing, 'the supervisor hears both; nobody hears the supervisor');
    assert.deepEqual(rig.fake.liveState().snoops, [{ id: 'hotline-snoop-s1-1', of: s.agent.id }]);
    assertAllAccepted();
  });

  it('whisper: whisper=out towards the agent, so the caller never hears the supervisor', async () => {
    const s = await supervised('whisper');
    assert.ok(rig.requestsSince(s.from).includes(`POST /channels/${s.agent.id}/snoop/hotline-snoop-s1-1?app=hotline&appArgs=hotline-snoop&spy=both&whisper=out`));
    assert.deepEqual(hearing(s), whisperHearing);
    assert.equal(rig.fake.audioPaths().has(`${s.supervisor.id}->${s.caller.id}`), false);
  });

  it('barge: the supervisor joins the call bridge (everyone hears everyone), no snoop, no private bridge', async () => {
    const s = await supervised('barge');
    assert.deepEqual(rig.requestsSince(s.from), [`POST /bridges/${s.bridge.id}/addChannel?channel=${s.supervisor.id}`]);
    assert.deepEqual(hearing(s), bargeHearing);
    assert.deepEqual(rig.fake.liveState().snoops, []);
  });

  it('every switch between listen, whisper and barge: new snoop before the old one goes, supervisor never hung up, nothing left over', async () => {
    const s = await supervised('listen');
    const expected: Record<SuperviseMode, string[]> = { listen: listenHearing, whisper: whisperHearing, barge: bargeHearing, takeover: [] };
    // L→W, W→B, B→L, L→B, B→W, W→L: all six ordered pairs.
    const path: SuperviseMode[] = ['whisper', 'barge', 'listen', 'barge', 'whisper', 'listen'];
    let previous: SuperviseMode = 'listen';
    for (const mode of path) {
      const from = rig.fake.requests.length;
      await s.sup.setMode(mode);
      await rig.drained();
      assert.deepEqual(hearing(s), expected[mode], `${previous} → ${mode}: who hears whom`);
      const state = rig.fake.liveState();
      const privateBridges = state.bridges.filter((b) => b.id.startsWith('hotline-sup-s1-'));
      if (mode === 'barge') {
        assert.deepEqual(state.snoops, [], `${previous} → ${mode}: no snoop`);
        assert.deepEqual(privateBridges, [], `${previous} → ${mode}: no private bridge`);
        assert.ok(state.bridges.find((b) => b.id === s.bridge.id)?.channels.includes(s.supervisor.id));
      } else {
        assert.equal(state.snoops.length, 1, `${previous} → ${mode}: exactly one snoop`);
        assert.equal(privateBridges.length, 1, `${previous} → ${mode}: one private bridge`);
        assert.deepEqual(privateBridges[0]!.channels.sort(), [s.supervisor.id, state.snoops[0]!.id].sort());
        const requests = rig.requestsSince(from);
        const snoopAt = requests.findIndex((r) => r.includes('/snoop/'));
        const hangupAt = requests.findIndex((r) => r.startsWith('DELETE /channels/hotline-snoop-'));
        if (previous !== 'barge') assert.ok(snoopAt >= 0 && hangupAt > snoopAt, `${previous} → ${mode}: make before break`);
        assert.ok(requests[snoopAt]!.endsWith(`whisper=${mode === 'whisper' ? 'out' : 'none'}`));
      }
      assertNoSupervisorHangup(s.supervisor.id);
      previous = mode;
    }
    await s.sup.end();
    await rig.drained();
    const state = rig.fake.liveState();
    assert.deepEqual(state.snoops, []);
    assert.deepEqual(state.bridges.map((b) => b.id), [s.bridge.id]);
    assert.deepEqual(state.bridges[0]!.channels.sort(), [s.caller.id, s.agent.id].sort());
    assertNoSupervisorHangup(s.supervisor.id);
    assert.deepEqual(hearing(s), ['A->C', 'C->A']);
    assertAllAccepted();
  });

  for (const from of ['listen', 'whisper', 'barge'] as const) {
    it(`${from} → takeover: the agent leg is hung up, the supervisor talks with the caller`, async () => {
      const s = await supervised(from);
      const mark = rig.fake.requests.length;
      await s.sup.setMode('takeover');
      await rig.drained();
      const requests = rig.requestsSince(mark);
      assert.ok(requests.includes(`DELETE /channels/${s.agent.id}?reason=normal`), 'the agent leg is hung up');
      assert.equal(rig.fake.channels.has(s.agent.id), false);
      assert.deepEqual(hearing(s), ['C->S', 'S->C']);
      const state = rig.fake.liveState();
      assert.deepEqual(state.snoops, []);
      assert.deepEqual(state.bridges.map((b) => b.id), [s.bridge.id]);
      assertNoSupervisorHangup(s.supervisor.id);
      // The agent's hang-up was ours: the supervision goes on until end() or the call ends.
      await assert.rejects(s.sup.setMode('listen'), code('HOTLINE_ERR_ILLEGAL_STATE'));
      await s.sup.end();
      await rig.drained();
      assert.deepEqual(rig.fake.liveState().bridges.find((b) => b.id === s.bridge.id)?.channels, [s.caller.id]);
      assertAllAccepted();
    });
  }

  for (const who of ['caller', 'agent', 'supervisor'] as const) {
    it(`the ${who} hanging up ends a whisper supervision: no snoop and no private bridge are left`, async () => {
      const s = await supervised('whisper');
      rig.fake.hangup(s[who].id, 16);
      await rig.drained();
      // The driver cleans up with REST calls of its own; wait for them to land.
      for (let i = 0; i < 50 && (rig.fake.liveState().snoops.length > 0 || rig.fake.bridges.has('hotline-sup-s1-1')); i++) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      await rig.drained();
      const state = rig.fake.liveState();
      assert.deepEqual(state.snoops, [], 'no snoop');
      assert.equal(state.bridges.find((b) => b.id.startsWith('hotline-sup-')), undefined, 'no private bridge');
      if (who !== 'supervisor') assertNoSupervisorHangup(s.supervisor.id);
      await assert.rejects(s.sup.setMode('listen'), code('HOTLINE_ERR_ILLEGAL_STATE'));
      await s.sup.end();
    });
  }

  it('the same supervision id again switches the mode of the running one; a bad mode is refused', async () => {
    const s = await supervised('listen');
    const again = await rig.driver.supervise({
      supervisionId: 's1', callerLegId: s.caller.id, agentLegId: s.agent.id, supervisorLegId: s.supervisor.id, mode: 'whisper',
    });
    assert.equal(again, s.sup);
    assert.deepEqual(hearing(s), whisperHearing);
    await assert.rejects((s.sup as Supervision).setMode('shout' as SuperviseMode), code('HOTLINE_ERR_BAD_REQUEST'));
    await assert.rejects(
      rig.driver.supervise({ supervisionId: 'x/../y', callerLegId: s.caller.id, agentLegId: s.agent.id, supervisorLegId: s.supervisor.id, mode: 'listen' }),
      code('HOTLINE_ERR_BAD_REQUEST'),
    );
  });
});
