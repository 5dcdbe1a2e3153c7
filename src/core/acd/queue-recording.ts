import type { Logger } from '../../ports/logger.ts';
import type { RecordingMeta, RecordingTarget } from '../../ports/recordings.ts';
import type { Bridge, CallLeg } from '../../ports/telephony.ts';
import type { StartRecordingRequest } from '../recording/recording-service.ts';
import type { QueueDefinition } from './queue-definition.ts';

/** What a queue's recording policy needs of the recording service. */
export interface QueueRecorder {
  start(request: StartRecordingRequest): Promise<RecordingMeta>;
  stop(callId: string, target?: RecordingTarget): Promise<void>;
}

/**
 * Carries out a queue file's `recording` policy: `whole` records the caller's leg from joining
 * (a no-op when the flow already records it) and the conversation from the agent's answer;
 * `from-answer` the conversation only; `on-demand` and `none` nothing by themselves. A failure
 * to record never holds up the call: it is logged and the call goes on.
 */
export class QueueRecording {
  readonly #recorder: QueueRecorder;
  readonly #flowOf: (callId: string) => Promise<string | undefined>;
  readonly #logger: Logger;

  constructor(recorder: QueueRecorder, flowOf: (callId: string) => Promise<string | undefined>, logger: Logger) {
    this.#recorder = recorder;
    this.#flowOf = flowOf;
    this.#logger = logger;
  }

  /** The caller joined `def`'s queue on `leg`. */
  async joined(def: QueueDefinition, leg: CallLeg | undefined): Promise<void> {
    if (def.recording !== 'whole' || !leg) return;
    await this.#start(leg.id, { target: 'call', handle: leg, queue: def.name });
  }

  /** The caller and `agentId` were bridged. */
  async connected(def: QueueDefinition, callId: string, bridge: Bridge | undefined, agentId: string): Promise<void> {
    if ((def.recording !== 'whole' && def.recording !== 'from-answer') || !bridge) return;
    await this.#start(callId, { target: 'conversation', handle: bridge, queue: def.name, agentId });
  }

  /** The conversation ended (agent or caller hung up, or the caller left the queue). */
  async ended(callId: string): Promise<void> {
    await this.#recorder.stop(callId, 'conversation').catch((err: unknown) => this.#warn(callId, err, 'stopping the conversation recording failed'));
  }

  async #start(callId: string, what: Pick<StartRecordingRequest, 'target' | 'handle' | 'queue' | 'agentId'>): Promise<void> {
    try {
      const flowId = (await this.#flowOf(callId)) ?? 'unknown';
      await this.#recorder.start({ callId, flowId, source: 'queue', ...what });
    } catch (err) {
      this.#warn(callId, err, 'queue recording failed to start');
    }
  }

  #warn(callId: string, err: unknown, msg: string): void {
    this.#logger.warn({ callId, err: err instanceof Error ? err.message : String(err) }, msg);
  }
}
