import type { SessionRecord } from '../../ports/stores.ts';

/** What the API shows of a call (`GET /api/calls/{id}`). */
export interface CallView {
  id: string;
  flow: string;
  version: string;
  step: string;
  path: string[];
  variables: Record<string, unknown>;
  prompts: SessionRecord['prompts'];
  state: 'active' | 'ended';
  direction: 'inbound' | 'outbound';
  from: string;
  to: string;
  driver: string;
  startedAt: string;
  endedAt?: string;
  outcome?: string;
}

/** Events the call service publishes (CLI `simulate --json`, metrics, live API streams). */
export type CallServiceEvent =
  | { type: 'call.started'; callId: string; flowId: string; version: string; from: string; to: string; at: number }
  | { type: 'step.entered'; callId: string; step: string; kind: string; at: number }
  | { type: 'prompt.played'; callId: string; step: string; playbackId: string; media: unknown[]; at: number }
  | { type: 'call.ended'; callId: string; flowId: string; path: string[]; outcome: string; at: number }
  | { type: 'call.error'; callId: string; code: string; message: string; at: number };

/** Listener of {@link CallServiceEvent}s. */
export type CallServiceListener = (event: CallServiceEvent) => void;
