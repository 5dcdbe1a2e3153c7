import type { Check } from './context.ts';

/** Flow ids are unique across the set: subflow steps and the API address flows by id. */
export const checkDuplicateFlowIds: Check = (ctx) => {
  const index = ctx.flows.indexOf(ctx.flow);
  const owner = ctx.flows.find((f, j) => j < index && f.doc.id === ctx.flow.doc.id);
  if (!owner) return [];
  return [
    ctx.report('/id', {
      code: 'duplicate-flow-id',
      message: `flow id \`${ctx.flow.doc.id}\` is already used by ${owner.file}`,
      hint: 'give each flow file its own id',
    }),
  ];
};
