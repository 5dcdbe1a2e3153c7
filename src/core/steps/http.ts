import type { HttpStep } from '../flow/types.ts';
import { enterStep, type StepCompiler } from './step-compiler.ts';

/**
 * `http`: one request to a CRM or webhook; a 2xx JSON answer goes into `into` (and the call's
 * screen pop), anything else — non-2xx, timeout, network failure — is `error`.
 */
export const compileHttp: StepCompiler<HttpStep> = (stepId, step, ctx) => {
  const id = ctx.id(stepId);
  const request = {
    type: 'httpRequest',
    params: {
      step: id,
      method: step.method ?? 'GET',
      url: step.url,
      headers: step.headers ?? {},
      ...(step.body === undefined ? {} : { body: step.body }),
      timeoutMs: ctx.ms(step.timeout, 3000),
    },
  };
  return {
    id,
    entry: [enterStep(ctx, stepId, 'http'), request],
    on: {
      'http.done': [
        {
          guard: 'isPendingHttpOk',
          target: ctx.target(stepId, step, 'done'),
          actions: [{ type: 'storeHttpResult', params: { step: id, into: step.into ?? null, screenPop: step.screenPop ?? true } }],
        },
        { guard: 'isPending', target: ctx.target(stepId, step, 'error'), actions: ['storeError'] },
      ],
      'http.error': { guard: 'isPending', target: ctx.target(stepId, step, 'error'), actions: ['storeError'] },
      // The answer never arrived: ask again (lookups are reads; webhooks must be idempotent).
      'session.resumed': { actions: [request] },
    },
  };
};
