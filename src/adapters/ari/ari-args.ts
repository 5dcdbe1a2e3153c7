/** Marker in `appArgs` of channels Hotline originates. */
export const ORIGINATE_ARG = 'hotline-out';

/**
 * `Stasis(app, k=v, …)` arguments as call variables: `k=v` pairs by name, the others as
 * `arg1`, `arg2`… (`hotline_dnis=100` → `{ hotline_dnis: '100' }`).
 */
export function argsToVariables(args: readonly string[]): Record<string, string> {
  const variables: Record<string, string> = {};
  args.forEach((arg, index) => {
    const eq = arg.indexOf('=');
    if (eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(arg.slice(0, eq))) variables[arg.slice(0, eq)] = arg.slice(eq + 1);
    else if (arg !== '') variables[`arg${index + 1}`] = arg;
  });
  return variables;
}
