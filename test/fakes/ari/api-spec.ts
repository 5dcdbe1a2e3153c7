import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where the captured Asterisk 22 traffic and resource listings live. */
export const FIXTURES_DIR = process.env['HOTLINE_ARI_FIXTURES'] ?? '/work/shared/fixtures/ari';

interface SwaggerParam {
  name: string;
  paramType: 'path' | 'query' | 'body';
  required?: boolean;
  allowMultiple?: boolean;
  dataType: string;
  allowableValues?: { valueType: 'LIST' | 'RANGE'; values?: string[]; min?: number; max?: number };
}

/** One operation of the resource listings. */
export interface ApiOperation {
  nickname: string;
  method: string;
  /** Swagger path, e.g. `/channels/{channelId}/play`. */
  path: string;
  params: SwaggerParam[];
}

interface Route {
  pattern: RegExp;
  names: string[];
  path: string;
  operations: Map<string, ApiOperation>;
}

/** A request matched to an operation, or the error Asterisk would answer. */
export type RouteMatch =
  | { ok: true; op: ApiOperation; pathParams: Record<string, string> }
  | { ok: false; status: number; message: string };

/** Parameter validation failure. */
export interface ParamError {
  status: number;
  message: string;
}

/**
 * The ARI resource listings (`api-docs/*.json`) as a router and validator: unknown paths get
 * 404 `Resource not found`, a known path with another method 405 `Invalid method` (as captured
 * in `errors.jsonl`); parameters are checked for presence, enumerations, ranges and types.
 */
export class AriApiSpec {
  readonly #routes: Route[] = [];

  constructor(dir = join(FIXTURES_DIR, 'api-docs')) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'events.json')) {
      const doc = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        apis: { path: string; operations: { httpMethod: string; nickname: string; parameters?: SwaggerParam[] }[] }[];
      };
      for (const api of doc.apis) {
        const names: string[] = [];
        const pattern = new RegExp(
          `^${api.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
            names.push(name);
            return '([^/]+)';
          })}$`,
        );
        const operations = new Map<string, ApiOperation>();
        for (const op of api.operations) {
          operations.set(op.httpMethod, { nickname: op.nickname, method: op.httpMethod, path: api.path, params: op.parameters ?? [] });
        }
        this.#routes.push({ pattern, names, path: api.path, operations });
      }
    }
    // Literal segments win over `{id}` (`/channels/create` is not a channel id).
    this.#routes.sort((a, b) => a.names.length - b.names.length);
  }

  match(method: string, path: string): RouteMatch {
    let pathExists = false;
    for (const route of this.#routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathExists = true;
      const op = route.operations.get(method);
      if (!op) continue;
      const pathParams: Record<string, string> = {};
      route.names.forEach((name, i) => {
        pathParams[name] = decodeURIComponent(m[i + 1] ?? '');
      });
      return { ok: true, op, pathParams };
    }
    return pathExists
      ? { ok: false, status: 405, message: 'Invalid method' }
      : { ok: false, status: 404, message: 'Resource not found' };
  }

  /**
   * Checks query parameters against the operation. Real Asterisk silently ignores unknown
   * parameters; the fake rejects them (400) so a misspelt parameter fails a test instead of
   * being dropped on a real PBX. `skipRequired` lists parameters whose absence the handler
   * reports itself with Asterisk's own message.
   */
  validate(op: ApiOperation, query: Record<string, string>, skipRequired: ReadonlySet<string>): ParamError | undefined {
    const known = new Map(op.params.filter((p) => p.paramType === 'query').map((p) => [p.name, p]));
    for (const name of Object.keys(query)) {
      if (!known.has(name)) return { status: 400, message: `Unknown parameter: ${name}` };
    }
    for (const param of known.values()) {
      const raw = query[param.name];
      if (raw === undefined) {
        if (param.required && !skipRequired.has(param.name)) return { status: 400, message: `Missing parameter ${param.name}` };
        continue;
      }
      const values = param.allowMultiple ? raw.split(',') : [raw];
      for (const value of values) {
        const error = checkValue(param, value);
        if (error) return error;
      }
    }
    return undefined;
  }
}

const TRUE_WORDS = ['yes', 'true', 'y', 't', '1', 'on'];
const FALSE_WORDS = ['no', 'false', 'n', 'f', '0', 'off'];

function checkValue(param: SwaggerParam, value: string): ParamError | undefined {
  const type = param.dataType;
  if ((type === 'int' || type === 'long') && !/^-?\d+$/.test(value)) {
    return { status: 400, message: `Invalid value for ${param.name}` };
  }
  if (type === 'boolean' && !TRUE_WORDS.includes(value.toLowerCase()) && !FALSE_WORDS.includes(value.toLowerCase())) {
    return { status: 400, message: `Invalid value for ${param.name}` };
  }
  const allowed = param.allowableValues;
  if (allowed?.valueType === 'LIST' && allowed.values && !allowed.values.includes(value)) {
    return { status: 400, message: `Invalid value for ${param.name}` };
  }
  if (allowed?.valueType === 'RANGE') {
    const n = Number(value);
    if ((allowed.min !== undefined && n < allowed.min) || (allowed.max !== undefined && n > allowed.max)) {
      return { status: 400, message: `Invalid value for ${param.name}` };
    }
  }
  return undefined;
}

/** `ast_true`: the words Asterisk reads as yes. */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && TRUE_WORDS.includes(value.toLowerCase());
}
