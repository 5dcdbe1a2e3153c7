import type { Logger } from '../../ports/logger.ts';
import type { SpeechSynthesizer } from '../../ports/speech.ts';
import { EslTelephonyDriver, type EslDriverOptions } from './esl-driver.ts';

export { EslTelephonyDriver, INBOUND_EVENTS, type EslDriverOptions } from './esl-driver.ts';
export { EslCallLeg } from './esl-leg.ts';
export { EslParser, eslDecode, eslEncode, parseEvent, replyText, type EslEvent, type EslFrame } from './esl-parser.ts';
export { EslConnection } from './esl-connection.ts';
export { EslRecordingMedia } from './esl-recording-media.ts';
export { EslBridge } from './esl-bridge.ts';
export { EslSupervision } from './esl-supervision.ts';
export { EslInboundClient } from './esl-inbound.ts';
export { EslOutboundServer, LINGER_SECONDS, OUTBOUND_EXTRA_EVENTS } from './esl-outbound-server.ts';
export { causeFromFreeSwitch, causeToFreeSwitch, eslError, originateError } from './esl-errors.ts';

/**
 * Builds the FreeSWITCH driver. Refuses FreeSWITCH's default password `ClueCon`
 * (`HOTLINE_ERR_CONFIG`).
 * @example
 * const driver = createEslDriver({ host: '127.0.0.1', port: 8021, password: process.env.ESL_PASSWORD!, listen: '127.0.0.1:8084' });
 * await driver.start((leg, { recovered }) => calls.handleIncoming(leg, recovered));
 */
export function createEslDriver(options: {
  host: string;
  port: number;
  password: string;
  listen: string;
  soundsDir?: string;
  logger?: Logger;
  synthesizer?: SpeechSynthesizer;
} & Partial<EslDriverOptions>): EslTelephonyDriver {
  return new EslTelephonyDriver(options);
}
