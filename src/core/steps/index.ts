import type { Step, StepKind } from '../flow/types.ts';
import { compileBranch } from './branch.ts';
import { compileCallback } from './callback.ts';
import { compileGather } from './gather.ts';
import { compileGroup } from './group.ts';
import { compileHangup } from './hangup.ts';
import { compileHours } from './hours.ts';
import { compileHttp } from './http.ts';
import { compileMenu } from './menu.ts';
import { compilePlay } from './play.ts';
import { compileQueue } from './queue.ts';
import { compileRecord } from './record.ts';
import { compileSet } from './set.ts';
import type { StepCompiler } from './step-compiler.ts';
import { compileReturn, compileSubflow } from './subflow.ts';
import { compileTransfer } from './transfer.ts';
import { compileVoicemail } from './voicemail.ts';

/** Every step kind's compiler. Adding a kind means a file here and an entry in this table. */
export const STEP_COMPILERS: { [K in StepKind]: StepCompiler<Extract<Step, { type: K }>> } = {
  play: compilePlay,
  menu: compileMenu,
  gather: compileGather,
  branch: compileBranch,
  hours: compileHours,
  http: compileHttp,
  set: compileSet,
  transfer: compileTransfer,
  queue: compileQueue,
  callback: compileCallback,
  voicemail: compileVoicemail,
  record: compileRecord,
  subflow: compileSubflow,
  return: compileReturn,
  hangup: compileHangup,
  group: compileGroup,
};
