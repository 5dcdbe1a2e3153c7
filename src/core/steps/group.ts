import type { GroupStep } from '../flow/types.ts';
import type { StepCompiler } from './step-compiler.ts';

/** `group`: a compound state; its `on` handles events its steps leave unhandled. */
export const compileGroup: StepCompiler<GroupStep> = (stepId, step, ctx) => ctx.compileGroup(stepId, step);
