/** What `${...}` in a flow can read. */
export interface TemplateScope {
  vars: Record<string, unknown>;
  call: { id: string; from: string; to: string };
  settings: Record<string, string>;
}

const PLACEHOLDER = /\$\{\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\}/g;

/** Reads a dotted path (`vars.order.status`) from the scope; `undefined` when any part is missing. */
export function lookup(scope: TemplateScope, path: string): unknown {
  let cur: unknown = scope;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/**
 * Interpolates `${path}` placeholders. Missing values become empty strings; objects become JSON.
 * @example
 * renderTemplate('Order ${vars.order.id}', scope) // 'Order 123456'
 */
export function renderTemplate(template: string, scope: TemplateScope): string {
  return template.replace(PLACEHOLDER, (_m, path: string) => stringify(lookup(scope, path)));
}

/**
 * Like {@link renderTemplate}, but a template that is exactly one placeholder keeps the value's
 * type (`"${vars.count}"` stays a number), which `set` needs.
 */
export function renderValue(value: unknown, scope: TemplateScope): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\}$/.exec(value);
    if (whole) return lookup(scope, whole[1]!);
    return renderTemplate(value, scope);
  }
  if (Array.isArray(value)) return value.map((v) => renderValue(v, scope));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, scope)]));
  }
  return value;
}

/** True when the string holds at least one `${...}` placeholder. */
export function isTemplate(value: string): boolean {
  return /\$\{[^}]*\}/.test(value);
}

function stringify(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
