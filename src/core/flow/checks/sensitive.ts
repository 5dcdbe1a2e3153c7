import type { CheckContext, StepInfo } from './context.ts';

/** The field that makes a step sensitive by itself (`secure` on a gather, else `sensitive`), if any. */
export function ownSensitiveField(info: StepInfo): 'secure' | 'sensitive' | undefined {
  const step = info.step as { type: string; secure?: boolean; sensitive?: boolean };
  if (step.type === 'gather' && step.secure === true) return 'secure';
  return step.sensitive === true ? 'sensitive' : undefined;
}

/** True when a step is sensitive, by itself or inside a sensitive group. */
export function isSensitive(info: StepInfo): boolean {
  return ownSensitiveField(info) !== undefined || info.parents.some((g) => ownSensitiveField(g) !== undefined);
}

/**
 * The step that makes the flow record its caller: a `record` step that starts a recording, or a
 * `queue` step to a queue with a recording policy (`options.recordedQueues`).
 */
export function recorderOf(ctx: CheckContext): { info: StepInfo; why: string } | undefined {
  for (const info of ctx.steps) {
    const step = info.step as { type: string; action?: unknown; queue?: unknown };
    if (step.type === 'record' && step.action === 'start') return { info, why: `step \`${info.id}\`` };
    if (step.type === 'queue' && typeof step.queue === 'string' && ctx.options.recordedQueues?.includes(step.queue)) {
      return { info, why: `queue \`${step.queue}\` in step \`${info.id}\`` };
    }
  }
  return undefined;
}
