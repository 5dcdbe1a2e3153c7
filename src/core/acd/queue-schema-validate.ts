/**
 * Validates parsed queue-file data against `queue.schema.json` and turns Ajv's errors into
 * sentences at the position of the offending node (the queue-file twin of the flow's
 * `schema-validate.ts`, without the step vocabulary).
 */
import type { ErrorObject } from 'ajv';
import type { Diagnostic, PositionLookup } from '../flow/diagnostics.ts';
import { diagnosticFor, escapeSegment, expectedName, isRecord, lazyValidator, pointerSegments, schemaDiagnostics, typeWords, valueAt } from '../flow/schema-diagnostics.ts';
import type { SchemaNode } from '../flow/schema-diagnostics.ts';
import { didYouMean } from '../flow/suggest.ts';
import schema from './queue.schema.json' with { type: 'json' };

/** The queue JSON Schema (draft-07), as loaded. */
export const queueSchema = schema as unknown as Record<string, unknown>;

/** Distribution strategies the schema accepts. */
export const STRATEGIES: readonly string[] = schema.properties.strategy.enum;

const ACTIONS = ['leave', 'voicemail', 'callback', 'overflow'];

const getValidator = lazyValidator(schema);

/**
 * Validates `data` (a parsed queue file) against the queue schema.
 * @returns one diagnostic per problem, empty when the document is valid
 * @example
 * validateQueueSchema({ queue: 'billing', stratgy: 'ring-all' }, lookup, 'flows/queues/billing.yaml');
 * // [{ line: 2, column: 1, code: 'unknown-field', message: 'unknown field `stratgy`', hint: 'did you mean `strategy`?' }]
 */
export function validateQueueSchema(data: unknown, lookup: PositionLookup, file: string): Diagnostic[] {
  return schemaDiagnostics(getValidator(), data, (e, all) => describe(e, data, lookup, file, all));
}

function describe(e: ErrorObject, data: unknown, lookup: PositionLookup, file: string, all: ErrorObject[]): Diagnostic {
  const field = fieldPath(e.instancePath, data);
  const subject = field ? `\`${field}\`` : 'the queue file';
  const parent = (e.parentSchema ?? {}) as SchemaNode;
  const expected = parent['x-expected'];
  const at = diagnosticFor(e, lookup, file);

  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = String(e.params.additionalProperty);
      const allowed = Object.keys(parent.properties ?? {});
      const container = field ? ` in \`${field}\`` : '';
      let hint = didYouMean(prop, allowed) ?? `expected one of: ${allowed.join(', ')}`;
      if (prop === 'queue' && field === 'whenMaxWait') hint = '`queue` goes with `action: overflow`';
      return at('unknown-field', `unknown field \`${prop}\`${container}`, hint, `${e.instancePath}/${escapeSegment(prop)}`, true);
    }
    case 'required': {
      const missing = String(e.params.missingProperty);
      const hint = missing === 'queue' && !field ? 'name the queue like its file: `queue: <file name>`' : undefined;
      return at('missing-field', `${subject} is missing \`${missing}\``, hint, e.instancePath, true);
    }
    case 'discriminator': {
      const tag = e.params.tagValue;
      if (e.params.error === 'mapping') {
        return at('invalid-value', `unknown action \`${String(tag)}\` in \`${field}\``, didYouMean(String(tag), ACTIONS) ?? `use one of: ${ACTIONS.join(', ')}`, `${e.instancePath}/action`);
      }
      return at('wrong-type', `\`${field}.action\` must be one of ${ACTIONS.join(', ')}`, undefined, `${e.instancePath}/action`);
    }
    case 'type': {
      const value = valueAt(e.instancePath, data);
      const want = expected ?? typeWords(e.params.type);
      let hint: string | undefined;
      if (value === null) hint = 'the value is empty';
      else if (typeof value === 'number' && want.startsWith('a duration')) hint = `give it a unit: "${value}s"`;
      else if ((typeof value === 'number' || typeof value === 'boolean') && String(e.params.type).includes('string')) hint = `quote it: "${String(value)}"`;
      return at('wrong-type', `${subject} must be ${want}`, hint);
    }
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[]).map(String);
      const value = valueAt(e.instancePath, data);
      return at('invalid-value', `${subject} must be one of ${allowed.join(', ')}`, didYouMean(String(value), allowed));
    }
    case 'pattern':
      return at('invalid-value', `${subject} must be ${expected ?? `text matching ${String(e.params.pattern)}`}`);
    case 'minimum':
    case 'maximum':
      return at('invalid-value', `${subject} must be ${expected ?? `${e.keyword === 'minimum' ? 'at least' : 'at most'} ${String(e.params.limit)}`}`);
    case 'uniqueItems':
      return at('duplicate-value', `${subject} lists ${JSON.stringify(valueAt(`${e.instancePath}/${String(e.params.j)}`, data))} twice`, undefined, `${e.instancePath}/${String(e.params.j)}`);
    case 'propertyNames': {
      const name = String(e.params.propertyName);
      const want = expectedName(e, all);
      return at('invalid-name', `\`${name}\`${field ? ` in \`${field}\`` : ''} is not a valid name${want ? `: use ${want}` : ''}`, undefined, `${e.instancePath}/${escapeSegment(name)}`, true);
    }
    case 'oneOf':
      return at('invalid-value', `${subject} must be ${expected ?? 'one of the allowed shapes'}`);
    default:
      return at('invalid-value', `${subject} ${e.message ?? 'is invalid'}`);
  }
}

/** `/priority/vipNumbers/1` → `priority.vipNumbers[1]`. */
function fieldPath(instancePath: string, data: unknown): string {
  let field = '';
  let node = data;
  for (const seg of pointerSegments(instancePath)) {
    field += Array.isArray(node) ? `[${seg}]` : field === '' ? seg : `.${seg}`;
    node = Array.isArray(node) ? node[Number(seg)] : isRecord(node) ? node[seg] : undefined;
  }
  return field;
}
