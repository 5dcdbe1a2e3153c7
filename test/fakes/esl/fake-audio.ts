import type { FakeFreeSwitch } from './fake-freeswitch.ts';

/**
 * Who hears whom on the fake FreeSWITCH: bridged legs hear each other; an eavesdropper hears
 * its target (the a-leg) and the target's bridge partner (the b-leg), and is heard by the
 * a-leg with `eavesdrop_whisper_aleg=true` and by the b-leg with `eavesdrop_whisper_bleg=true`
 * (mod_dptools' eavesdrop, variables read when the app starts). Returns `speaker->listener` pairs.
 */
export function audioPaths(fs: FakeFreeSwitch): Set<string> {
  const live = [...fs.channels.values()].filter((c) => !c.hungUp);
  const alive = (uuid: string | undefined) => (uuid ? live.find((c) => c.uuid === uuid) : undefined);
  const paths = new Set<string>();
  for (const ch of live) {
    const partner = alive(ch.bridgedWith);
    if (partner) paths.add(`${ch.uuid}->${partner.uuid}`);
  }
  for (const spy of live) {
    if (!spy.eavesdrop || !spy.running.some((a) => a.kind === 'eavesdrop')) continue;
    const aleg = alive(spy.eavesdrop.target);
    if (!aleg) continue;
    const bleg = alive(aleg.bridgedWith);
    paths.add(`${aleg.uuid}->${spy.uuid}`);
    if (bleg) paths.add(`${bleg.uuid}->${spy.uuid}`);
    if (spy.eavesdrop.whisperA) paths.add(`${spy.uuid}->${aleg.uuid}`);
    if (spy.eavesdrop.whisperB && bleg) paths.add(`${spy.uuid}->${bleg.uuid}`);
  }
  return paths;
}
