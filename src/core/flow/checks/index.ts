/** The static checks `validateFlows` runs, in reporting order. */
import { checkBranchRegex } from './branch-regex.ts';
import { checkCallbackOffers } from './callback-offers.ts';
import type { Check } from './context.ts';
import { checkDeadEnds } from './dead-ends.ts';
import { checkDuplicateFlowIds } from './duplicate-flow-ids.ts';
import { checkDuplicateNumbers } from './duplicate-numbers.ts';
import { checkDuplicateSteps } from './duplicate-steps.ts';
import { checkGatherInput } from './gather-input.ts';
import { checkHoursCalendar } from './hours-calendar.ts';
import { checkKnownQueues } from './known-queues.ts';
import { checkMenuKeys } from './menu-keys.ts';
import { checkRetryLoops } from './retry-loops.ts';
import { checkRecordPause } from './record-pause.ts';
import { checkSecureRecording } from './secure-recording.ts';
import { checkSensitiveRecorder } from './sensitive-recorder.ts';
import { checkSensitiveSpeech } from './sensitive-speech.ts';
import { checkStartStep } from './start-step.ts';
import { checkSubflowRecursion } from './subflow-recursion.ts';
import { checkTransferAllowlist } from './transfer-allowlist.ts';
import { checkUnhandledEvents } from './unhandled-events.ts';
import { checkUnknownEvents } from './unknown-events.ts';
import { checkUnknownSounds } from './unknown-sounds.ts';
import { checkUnknownSubflows } from './unknown-subflows.ts';
import { checkUnknownTargets } from './unknown-targets.ts';
import { checkUnreachableSteps } from './unreachable-steps.ts';

export const ALL_CHECKS: ReadonlyArray<{ name: string; check: Check }> = [
  { name: 'duplicate-flow-ids', check: checkDuplicateFlowIds },
  { name: 'start-step', check: checkStartStep },
  { name: 'duplicate-steps', check: checkDuplicateSteps },
  { name: 'unknown-targets', check: checkUnknownTargets },
  { name: 'unhandled-events', check: checkUnhandledEvents },
  { name: 'unknown-events', check: checkUnknownEvents },
  { name: 'dead-ends', check: checkDeadEnds },
  { name: 'unknown-sounds', check: checkUnknownSounds },
  { name: 'unknown-subflows', check: checkUnknownSubflows },
  { name: 'subflow-recursion', check: checkSubflowRecursion },
  { name: 'duplicate-numbers', check: checkDuplicateNumbers },
  { name: 'menu-keys', check: checkMenuKeys },
  { name: 'gather-input', check: checkGatherInput },
  { name: 'hours-calendar', check: checkHoursCalendar },
  { name: 'branch-regex', check: checkBranchRegex },
  { name: 'transfer-allowlist', check: checkTransferAllowlist },
  { name: 'known-queues', check: checkKnownQueues },
  { name: 'callback-offers', check: checkCallbackOffers },
  { name: 'retry-loops', check: checkRetryLoops },
  { name: 'unreachable-steps', check: checkUnreachableSteps },
  { name: 'secure-recording', check: checkSecureRecording },
  { name: 'sensitive-speech', check: checkSensitiveSpeech },
  { name: 'sensitive-recorder', check: checkSensitiveRecorder },
  { name: 'record-pause', check: checkRecordPause },
];

export {
  checkBranchRegex,
  checkCallbackOffers,
  checkDeadEnds,
  checkDuplicateFlowIds,
  checkDuplicateNumbers,
  checkDuplicateSteps,
  checkGatherInput,
  checkHoursCalendar,
  checkKnownQueues,
  checkMenuKeys,
  checkRecordPause,
  checkRetryLoops,
  checkSecureRecording,
  checkSensitiveRecorder,
  checkSensitiveSpeech,
  checkStartStep,
  checkSubflowRecursion,
  checkTransferAllowlist,
  checkUnhandledEvents,
  checkUnknownEvents,
  checkUnknownSounds,
  checkUnknownSubflows,
  checkUnknownTargets,
  checkUnreachableSteps,
};
