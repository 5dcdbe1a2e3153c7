import type { CompiledFlow } from '../flow/compiled.ts';

/** Finds compiled flows; the flow registry implements it. */
export interface FlowResolver {
  byNumber(number: string): CompiledFlow | undefined;
  byId(id: string): CompiledFlow | undefined;
  byVersion(version: string): Promise<CompiledFlow | undefined>;
}

/**
 * Spellings of a dialled number to try, most exact first: PBXes hand over `+18005550100`,
 * `18005550100` or `8005550100` for the same toll-free number depending on the trunk.
 */
export function numberVariants(dialled: string): string[] {
  const n = dialled.trim();
  const digits = n.replace(/^\+/, '');
  const out = [n, digits, `+${digits}`];
  if (/^\d{10}$/.test(digits)) out.push(`+1${digits}`, `1${digits}`);
  if (/^1\d{10}$/.test(digits)) out.push(digits.slice(1));
  return [...new Set(out)];
}

/** The flow that answers `dialled`, else the default flow. */
export function selectFlow(flows: FlowResolver, dialled: string, defaultFlow: string | undefined): CompiledFlow | undefined {
  for (const candidate of numberVariants(dialled)) {
    const flow = flows.byNumber(candidate);
    if (flow) return flow;
  }
  return defaultFlow ? flows.byId(defaultFlow) : undefined;
}
