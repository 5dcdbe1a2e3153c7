import type { Logger } from '../../ports/logger.ts';
import type { AriBridgeHandle } from './ari-bridge.ts';
import { BRIDGE_PREFIX } from './ari-bridge.ts';
import type { AriClient } from './ari-client.ts';
import { ariStatusOf } from './ari-errors.ts';
import type { AriCallLeg } from './ari-leg.ts';
import { EXTERNAL_MEDIA_PREFIX } from './ari-speech.ts';
import { SNOOP_PREFIX } from './ari-supervision.ts';
import type { AriChannel } from './ari-types.ts';

/** The driver surface a resynchronisation works on. */
export interface ResyncTarget {
  driver: {
    app: string;
    legFromChannel(channel: AriChannel, args: readonly string[]): AriCallLeg;
    announce(leg: AriCallLeg, recovered: boolean): void;
    adoptBridge(id: string, channels: readonly string[]): AriBridgeHandle;
  };
  client: AriClient;
  logger: Logger;
  /** True at `start()`: a restarted node also cleans up what its previous run left behind. */
  initial: boolean;
  legs: Map<string, AriCallLeg>;
  bridges: Map<string, AriBridgeHandle>;
  snoops: Map<string, string>;
  /** External media channels of this node's running speech sessions. */
  externals: Map<string, unknown>;
}

/**
 * True when the channel is in the Stasis application `app`: `dialplan.app_name` is `Stasis` and
 * `app_data` is `app` or starts with `app,` (`Stasis:ivr,agent,102` in the captures).
 */
export function inApp(channel: AriChannel, app: string): boolean {
  const data = channel.dialplan?.app_data ?? '';
  return channel.dialplan?.app_name === 'Stasis' && (data === app || data.startsWith(`${app},`));
}

/** `Stasis(app,a,b)` arguments from `app_data`. */
export function stasisArgs(channel: AriChannel, app: string): string[] {
  const data = channel.dialplan?.app_data ?? '';
  return data.length > app.length ? data.slice(app.length + 1).split(',') : [];
}

/**
 * Brings the driver's view in line with Asterisk after (re)connecting: events were missed while
 * the socket was down. Legs that vanished end (`call.hangup`); every call channel in our
 * application is (re)announced with `recovered: true` so the core resumes its session from the
 * store; `hotline-` bridges and `hotline-snoop-` channels nobody owns are removed.
 */
export async function resync(target: ResyncTarget): Promise<void> {
  const { client, driver, logger } = target;
  const [channels, bridges] = await Promise.all([client.listChannels(), client.listBridges()]);
  const byId = new Map(channels.map((c) => [c.id, c]));

  for (const leg of [...target.legs.values()]) {
    const channel = byId.get(leg.id);
    // Gone, or an answered leg no longer in our application (it left Stasis while we were away).
    if (!channel || (leg.status === 'up' && !inApp(channel, driver.app))) leg.onGone(undefined);
  }

  const calls = new Set<string>();
  for (const channel of channels) {
    if (!inApp(channel, driver.app) || channel.id.startsWith(SNOOP_PREFIX) || isMediaChannel(channel)) continue;
    calls.add(channel.id);
    const known = target.legs.get(channel.id);
    if (known) {
      if (!target.initial) driver.announce(known, true);
      continue;
    }
    driver.announce(driver.legFromChannel(channel, stasisArgs(channel, driver.app)), true);
  }

  // Another node may own snoops and bridges with our prefix: only what serves no live call goes.
  const bridged = new Set(bridges.flatMap((b) => b.channels));
  for (const channel of channels) {
    if (!channel.id.startsWith(SNOOP_PREFIX) || target.snoops.has(channel.id)) continue;
    const spied = /^Snoop\/(.+)-[0-9a-f]{8}$/.exec(channel.name)?.[1];
    if (spied && byId.has(spied) && bridged.has(channel.id)) continue;
    logger.info({ channelId: channel.id }, 'hanging up orphaned snoop channel');
    await client.hangup(channel.id).catch((err: unknown) => ignore404(err, logger));
  }

  // An external media channel nobody here runs, and that carries no live call's audio, is an orphan.
  for (const channel of channels) {
    if (!channel.id.startsWith(EXTERNAL_MEDIA_PREFIX) || target.externals.has(channel.id)) continue;
    const callId = channel.id.slice(EXTERNAL_MEDIA_PREFIX.length);
    if (bridged.has(channel.id) && calls.has(callId)) continue;
    logger.info({ channelId: channel.id }, 'hanging up orphaned external media channel');
    await client.hangup(channel.id).catch((err: unknown) => ignore404(err, logger));
  }

  for (const bridge of bridges) {
    if (!bridge.id.startsWith(BRIDGE_PREFIX) || target.bridges.has(bridge.id)) continue;
    if (bridge.channels.some((id) => calls.has(id))) {
      driver.adoptBridge(bridge.id, bridge.channels);
      continue;
    }
    logger.info({ bridgeId: bridge.id }, 'destroying orphaned bridge');
    await client.destroyBridge(bridge.id).catch((err: unknown) => ignore404(err, logger));
  }
}

/** `externalMedia` channels (chan_rtp): audio pipes, never calls. */
function isMediaChannel(channel: AriChannel): boolean {
  return channel.id.startsWith(EXTERNAL_MEDIA_PREFIX) || channel.name.startsWith('UnicastRTP/');
}

function ignore404(err: unknown, logger: Logger): void {
  if (ariStatusOf(err) !== 404) logger.warn({ status: ariStatusOf(err) }, 'orphan cleanup failed');
}
