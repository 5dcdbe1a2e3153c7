/**
 * Validates parsed flow data against `flow.schema.json` and turns Ajv's errors into
 * sentences an admin can act on, each at the position of the offending node.
 */
import type { ErrorObject } from 'ajv';
import type { Diagnostic, PositionLookup } from './diagnostics.ts';
import schema from './flow.schema.json' with { type: 'json' };
import { diagnosticFor, escapeSegment, expectedName, isRecord, lazyValidator, pointerSegments, schemaDiagnostics, typeWords, valueAt } from './schema-diagnostics.ts';
import type { SchemaNode } from './schema-diagnostics.ts';
import { didYouMean } from './suggest.ts';

/** The flow JSON Schema (draft-07), as loaded. */
export const flowSchema = schema as unknown as Record<string, unknown>;

const STEP_KINDS = Object.keys(schema.definitions)
  .filter((k) => k.endsWith('Step'))
  .map((k) => k.slice(0, -'Step'.length));
const OPERATORS = ['eq', 'ne', 'in', 'matches', 'gt', 'gte', 'lt', 'lte', 'exists'];
const SUBJECTS = ['var', 'value'];
const COMBINATORS = ['all', 'any', 'not'];
const PROMPT_KINDS = ['sound', 'say', 'digits', 'number', 'tone'];
const CONDITION_PATH = /\/when(?:\/(?:all|any)\/\d+|\/not)*$/;

const getValidator = lazyValidator(schema);

/**
 * Validates `data` (a parsed flow file) against the flow schema.
 * @returns one diagnostic per problem, empty when the document is valid
 */
export function validateSchema(data: unknown, lookup: PositionLookup, file: string): Diagnostic[] {
  return schemaDiagnostics(getValidator(), data, (e, all) => describe(e, data, lookup, file, all), relevantErrors);
}

/** Drops the errors that only echo another one. */
function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  const discriminated = new Set(errors.filter((e) => e.keyword === 'discriminator').map((e) => e.instancePath));
  const oneOfAt = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  return errors.filter(
    (e) =>
      // `if` only says "then failed"; the failing `then` keyword reports the specifics.
      e.keyword !== 'if' &&
      // Branch-by-branch failures of a `oneOf` are noise: the `oneOf` error is described instead.
      !(oneOfAt.has(e.instancePath) && e.schemaPath.includes('/oneOf/')) &&
      !(e.keyword === 'required' && e.params.missingProperty === 'type' && discriminated.has(e.instancePath)),
  );
}

interface Where {
  /** Innermost step the error is in. */
  stepId: string | undefined;
  stepKind: string | undefined;
  /** Field path inside the step (or the document): `prompt[1]`, `options.1`. */
  field: string;
}

function locate(instancePath: string, data: unknown): Where {
  const segs = pointerSegments(instancePath);
  let node: unknown = data;
  let stepId: string | undefined;
  let stepKind: string | undefined;
  let i = 0;
  // Steps nest as `steps/<id>/steps/<id>` (groups); everything after is a field path.
  while (segs[i] === 'steps' && segs[i + 1] !== undefined && isRecord(node) && isRecord(node.steps)) {
    stepId = segs[i + 1];
    node = node.steps[stepId!];
    stepKind = isRecord(node) && typeof node.type === 'string' ? node.type : undefined;
    i += 2;
  }
  let field = '';
  for (const seg of segs.slice(i)) {
    if (Array.isArray(node)) {
      field += `[${seg}]`;
      node = node[Number(seg)];
    } else {
      field += field === '' ? seg : `.${seg}`;
      node = isRecord(node) ? node[seg] : undefined;
    }
  }
  return { stepId, stepKind, field };
}

function describe(e: ErrorObject, data: unknown, lookup: PositionLookup, file: string, all: ErrorObject[]): Diagnostic | undefined {
  const where = locate(e.instancePath, data);
  const inStep = where.stepId ? ` in step \`${where.stepId}\`` : '';
  const subject = where.field ? `\`${where.field}\`${inStep}` : where.stepId ? `step \`${where.stepId}\`` : 'the flow';
  const parent = (e.parentSchema ?? {}) as SchemaNode;
  const expected = parent['x-expected'];
  const at = diagnosticFor(e, lookup, file);

  if (CONDITION_PATH.test(e.instancePath) && ['oneOf', 'minProperties', 'maxProperties'].includes(e.keyword)) {
    return at('invalid-condition', describeCondition(valueAt(e.instancePath, data), subject), conditionHint());
  }
  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = String(e.params.additionalProperty);
      const allowed = Object.keys(parent.properties ?? {});
      const container = where.field ? ` in \`${where.field}\`` : '';
      const hint =
        didYouMean(prop, allowed) ??
        (!where.field && where.stepKind ? belongsTo(prop, where.stepKind, allowed) : undefined) ??
        `expected one of: ${allowed.filter((a) => a !== 'type' || !where.stepKind).join(', ')}`;
      return at('unknown-field', `unknown field \`${prop}\`${container}${inStep}`, hint, `${e.instancePath}/${escapeSegment(prop)}`, true);
    }
    case 'required': {
      const missing = String(e.params.missingProperty);
      const kind = !where.field && where.stepKind ? ` (${where.stepKind})` : '';
      return at('missing-field', `${subject}${kind} is missing \`${missing}\``, undefined, e.instancePath, true);
    }
    case 'discriminator': {
      const tag = e.params.tagValue;
      if (e.params.error === 'mapping' && typeof tag === 'string') {
        return at('unknown-step-type', `unknown step type \`${tag}\`${inStep}`, didYouMean(tag, STEP_KINDS) ?? `use one of: ${STEP_KINDS.join(', ')}`, `${e.instancePath}/type`);
      }
      return at('missing-field', `${subject} has no \`type\``, `use one of: ${STEP_KINDS.join(', ')}`, e.instancePath, true);
    }
    case 'type': {
      const value = valueAt(e.instancePath, data);
      const want = expected ?? typeWords(e.params.type);
      let hint: string | undefined;
      if ((typeof value === 'number' || typeof value === 'boolean') && String(e.params.type).includes('string')) hint = `quote it: "${String(value)}"`;
      if (value === null) hint = 'the value is empty';
      return at('wrong-type', `${subject} must be ${want}`, hint);
    }
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[]).map(String);
      const value = valueAt(e.instancePath, data);
      return at('invalid-value', `${subject} must be ${expected ?? `one of ${allowed.join(', ')}`}`, didYouMean(String(value), allowed));
    }
    case 'pattern':
      return at('invalid-value', `${subject} must be ${expected ?? `text matching ${String(e.params.pattern)}`}`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return at('invalid-value', `${subject} must be ${expected ?? `${e.keyword === 'minimum' ? 'at least' : 'at most'} ${String(e.params.limit)}`}`);
    case 'minLength':
      return at('invalid-value', `${subject} must not be empty`);
    case 'minItems':
      return at('invalid-value', `${subject} must list at least ${String(e.params.limit)} item${e.params.limit === 1 ? '' : 's'}`);
    case 'minProperties':
      return at('invalid-value', `${subject} must have at least ${String(e.params.limit)} entr${e.params.limit === 1 ? 'y' : 'ies'}`);
    case 'uniqueItems':
      return at('duplicate-value', `${subject} lists ${JSON.stringify(valueAt(`${e.instancePath}/${String(e.params.j)}`, data))} twice`, undefined, `${e.instancePath}/${String(e.params.j)}`);
    case 'propertyNames': {
      const name = String(e.params.propertyName);
      const want = expectedName(e, all);
      return at(
        'invalid-name',
        `\`${name}\`${where.field ? ` in \`${where.field}\`` : ''}${inStep} is not a valid name${want ? `: use ${want}` : ''}`,
        undefined,
        `${e.instancePath}/${escapeSegment(name)}`,
        true,
      );
    }
    case 'dependencies':
      return at('missing-field', `${subject} has \`${String(e.params.property)}\` without \`${String(e.params.missingProperty)}\``);
    case 'oneOf': {
      const value = valueAt(e.instancePath, data);
      if (isRecord(value) && Object.keys(parent).length === 1) {
        // The `then` of a prompt item: exactly one of sound/say/digits/number/tone.
        const kinds = Object.keys(value).filter((k) => PROMPT_KINDS.includes(k));
        const message =
          kinds.length === 0
            ? `${subject} is not a prompt item`
            : `${subject} mixes ${kinds.map((k) => `\`${k}\``).join(' and ')}`;
        return at('invalid-prompt', message, 'one of `sound`, `say`, `digits`, `number`, `tone` per item; a list plays items in order');
      }
      return at('invalid-value', `${subject} must be ${expected ?? 'one of the allowed shapes'}`);
    }
    default:
      // Not reached by the current schema; kept readable for future keywords.
      if (e.instancePath === '' && e.keyword === 'type') return at('wrong-type', 'a flow file must be a mapping');
      return at('invalid-value', `${subject} ${e.message ?? 'is invalid'}`);
  }
}

function describeCondition(value: unknown, subject: string): string {
  if (!isRecord(value)) return `${subject} must be a condition`;
  const keys = Object.keys(value);
  const subjects = keys.filter((k) => SUBJECTS.includes(k));
  const ops = keys.filter((k) => OPERATORS.includes(k));
  const combos = keys.filter((k) => COMBINATORS.includes(k));
  const list = (ks: string[]) => ks.map((k) => `\`${k}\``).join(', ');
  if (combos.length > 0 && keys.length > 1) return `condition ${subject} mixes ${list(keys)}; \`${combos[0]}\` must stand alone`;
  if (subjects.length === 0) return ops.length ? `condition ${subject} has ${list(ops)} but no subject` : `condition ${subject} is empty`;
  if (subjects.length > 1) return `condition ${subject} has two subjects (${list(subjects)}); use one`;
  if (ops.length === 0) return `condition ${subject} has no operator`;
  return `condition ${subject} has several operators (${list(ops)}); use exactly one`;
}

function conditionHint(): string {
  return `a condition is one subject (\`var\` or \`value\`) and one operator (${OPERATORS.join(', ')}), or \`all\`/\`any\`/\`not\``;
}

/** For a field that is valid on another step kind: say so (`options` belongs to `menu` steps). */
function belongsTo(prop: string, kind: string, allowed: string[]): string | undefined {
  const owners = STEP_KINDS.filter((k) => {
    const def = (schema.definitions as Record<string, SchemaNode>)[`${k}Step`];
    return k !== kind && def?.properties && prop in def.properties;
  });
  if (owners.length === 0) return undefined;
  return `\`${prop}\` belongs to ${owners.map((o) => `\`${o}\``).join(', ')} steps; a \`${kind}\` step takes: ${allowed.filter((a) => a !== 'type').join(', ')}`;
}
