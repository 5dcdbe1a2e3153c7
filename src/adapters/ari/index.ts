import { AriTelephonyDriver, type AriDriverOptions } from './ari-driver.ts';

export { AriTelephonyDriver, type AriDriverOptions } from './ari-driver.ts';
export { argsToVariables, ORIGINATE_ARG } from './ari-args.ts';
export { AriCallLeg } from './ari-leg.ts';
export { AriBridgeHandle, BRIDGE_PREFIX } from './ari-bridge.ts';
export { AriSupervision, SNOOP_PREFIX } from './ari-supervision.ts';
export { AriClient, type SnoopDirection } from './ari-client.ts';
export { AriRecordingMedia } from './ari-recording-media.ts';
export { AriSpeechSession, EXTERNAL_MEDIA_PREFIX } from './ari-speech.ts';
export { decodeUlaw, parseRtp } from './ari-rtp.ts';
export { AriEventSocket, backoffDelay, parseAriEvent, type AriEvent } from './ari-events.ts';
export { redactUrl } from './ari-url.ts';

/**
 * Builds the Asterisk (ARI) driver.
 *
 * @example
 * const driver = createAriDriver({ url: 'http://127.0.0.1:8088', username: 'hotline', password: 's3cret', app: 'hotline' });
 * await driver.start((leg, info) => calls.handleIncoming(leg, info));
 */
export function createAriDriver(options: AriDriverOptions): AriTelephonyDriver {
  return new AriTelephonyDriver(options);
}
