import { isResourceType } from '../core/definitions';
import { PHONE_PARAMS, phoneDigits } from './normalise';
import { DEFAULT_COUNT, MAX_COUNT } from './search-constants';
import { COLUMN_PARAMS, type ParamDefinition, type ParamType, paramFor, paramsFor } from './search-definitions';
import { decodeCursor } from './search-paging';
import { ParamProblem } from './search-problems';
import type {
  Condition,
  IncludeSpec,
  Modifier,
  SearchQuery,
  SearchValue,
  SortKey,
  SummaryMode,
  TotalMode,
} from './search-query';
import { parseValues, ValueError } from './search-values';

export interface ParsedSearch {
  query: SearchQuery;
  problems: ParamProblem[];
}

/** Parameters of the request that steer the result, not the match; `_format` and `_pretty` are the HTTP layer's. */
const IGNORED = new Set(['_format', '_pretty']);

const MODIFIERS: Record<ParamType, Modifier[]> = {
  string: ['exact', 'contains'],
  token: ['not', 'text', 'of-type'],
  reference: ['identifier'],
  date: [],
  number: [],
  quantity: [],
  uri: ['above', 'below'],
  composite: [],
};

/** The parameter shared by every type searched (same code and type), or a problem. */
function resolveParam(types: string[], code: string, name: string): ParamDefinition {
  const scope = types.length ? types : ['Resource'];
  let found: ParamDefinition | undefined;
  for (const type of scope) {
    const param = paramFor(type, code);
    if (!param) {
      throw new ParamProblem(name, `Unknown search parameter '${code}' for ${type}`, 'not-supported');
    }
    if (found && found.type !== param.type) {
      throw new ParamProblem(name, `'${code}' has different types across the searched types`, 'not-supported');
    }
    found ??= param;
  }
  return found!;
}

function compositeTypes(param: ParamDefinition): ParamType[] | undefined {
  return param.components?.map((part) => part.type);
}

function values(param: ParamDefinition, name: string, raw: string): SearchValue[] {
  try {
    const parsed = parseValues(param.type, raw, compositeTypes(param));
    if (!parsed.length) throw new ValueError('An empty value matches nothing');
    return parsed;
  } catch (error) {
    if (error instanceof ValueError) throw new ParamProblem(name, `${name}: ${error.message}`);
    throw error;
  }
}

/** One `name=value` filter (not a result parameter) for the given types, chains and `_has` included. */
export function parseCondition(types: string[], name: string, raw: string, fullName = name): Condition {
  if (name.startsWith('_has:')) return parseHas(types, name, raw, fullName);
  const dot = name.indexOf('.');
  if (dot > 0) return parseChain(types, name.slice(0, dot), name.slice(dot + 1), raw, fullName);
  const [code = '', modifierText] = name.split(':', 2) as [string, string | undefined];
  if (code === '_id') {
    if (modifierText && modifierText !== 'not') {
      throw new ParamProblem(fullName, `Modifier ':${modifierText}' is not supported on _id`, 'not-supported');
    }
    const ids = raw.split(',').filter(Boolean);
    if (!ids.length) throw new ParamProblem(fullName, '_id needs a value');
    return { kind: 'id', ids, not: modifierText === 'not' };
  }
  if (code === '_lastUpdated') {
    if (modifierText) throw new ParamProblem(fullName, `Modifier ':${modifierText}' is not supported on _lastUpdated`);
    const param = paramFor('Resource', '_lastUpdated')!;
    return { kind: 'lastUpdated', values: values(param, fullName, raw) as Extract<SearchValue, { type: 'date' }>[] };
  }
  const param = resolveParam(types, code, fullName);
  if (modifierText === 'missing') {
    if (raw !== 'true' && raw !== 'false') throw new ParamProblem(fullName, ':missing takes true or false');
    return { kind: 'missing', param, missing: raw === 'true' };
  }
  if (!modifierText) {
    const parsed = values(param, fullName, raw);
    return { kind: 'match', param, values: PHONE_PARAMS.has(param.code) ? parsed.map(asPhoneDigits) : parsed };
  }
  if (param.type === 'reference' && modifierText !== 'identifier') {
    if (!isResourceType(modifierText) || (param.targets.length && !param.targets.includes(modifierText))) {
      throw new ParamProblem(fullName, `'${modifierText}' is not a type ${code} can refer to`);
    }
    const parsed = values(param, fullName, raw).map((value) => {
      if (value.type !== 'reference') return value;
      if (value.targetType && value.targetType !== modifierText) {
        throw new ParamProblem(fullName, `${fullName}: '${value.targetType}' contradicts the type modifier`);
      }
      return value.url ? value : { ...value, targetType: modifierText };
    });
    return { kind: 'match', param, modifier: 'type', values: parsed };
  }
  const modifier = modifierText as Modifier;
  if (!MODIFIERS[param.type].includes(modifier)) {
    throw new ParamProblem(
      fullName,
      `Modifier ':${modifierText}' is not supported on ${param.type} parameter '${code}'`,
      'not-supported',
    );
  }
  if (modifier === 'identifier') {
    const tokenParam: ParamDefinition = { ...param, type: 'token', table: 'fhir_sp_token', code: `${code}:identifier` };
    return { kind: 'match', param: tokenParam, values: values(tokenParam, fullName, raw) };
  }
  if (modifier === 'of-type') {
    // identifier:of-type=typeSystem|typeCode|value: three pieces, kept as a token whose system is the type.
    const pieces = raw.split('|');
    if (pieces.length !== 3 || !pieces[1] || !pieces[2]) {
      throw new ParamProblem(fullName, ':of-type takes system|code|value');
    }
    return {
      kind: 'match',
      param,
      modifier,
      values: [{ type: 'token', system: `${pieces[0]}|${pieces[1]}`, code: pieces[2], text: raw }],
    };
  }
  if (modifier === 'text' || modifier === 'contains' || modifier === 'exact') {
    // These compare text whatever the parameter's type, with the usual comma and escape rules.
    return { kind: 'match', param, modifier, values: parseValues('string', raw) };
  }
  return { kind: 'match', param, modifier, values: values(param, fullName, raw) };
}

/** `phone=(555) 010-0199` finds the number however it was written (the index also holds its digits). */
function asPhoneDigits(value: SearchValue): SearchValue {
  if (value.type !== 'token' || value.code === undefined) return value;
  const digits = phoneDigits(value.code);
  return digits ? { ...value, code: digits } : value;
}

/** Chains deeper than this are refused: each level is another join. */
const MAX_CHAIN_DEPTH = 4;

function parseChain(types: string[], head: string, rest: string, raw: string, fullName: string): Condition {
  if (fullName.split('.').length - 1 > MAX_CHAIN_DEPTH) {
    throw new ParamProblem(fullName, `Chains may have at most ${MAX_CHAIN_DEPTH} levels`, 'too-costly');
  }
  const [code = '', typeModifier] = head.split(':', 2) as [string, string | undefined];
  const param = resolveParam(types, code, fullName);
  if (param.type !== 'reference')
    throw new ParamProblem(fullName, `'${code}' is not a reference and cannot be chained`);
  let targets = param.targets.length ? param.targets : [];
  if (typeModifier) {
    if (!isResourceType(typeModifier) || (targets.length && !targets.includes(typeModifier))) {
      throw new ParamProblem(fullName, `'${typeModifier}' is not a type ${code} can refer to`);
    }
    targets = [typeModifier];
  }
  const nextCode = rest.split(/[.:]/, 1)[0]!;
  const usable = targets.filter(
    (type) => COLUMN_PARAMS.has(nextCode) || nextCode.startsWith('_has') || paramsFor(type).has(nextCode),
  );
  if (!usable.length) {
    throw new ParamProblem(fullName, `No type that '${code}' refers to has a search parameter '${nextCode}'`);
  }
  if (!typeModifier && usable.length > 1) {
    const kinds = new Set(usable.map((type) => paramFor(type, nextCode)?.type ?? 'column'));
    if (kinds.size > 1) throw new ParamProblem(fullName, `Add a type to '${code}' (e.g. ${code}:${usable[0]}.${rest})`);
  }
  return { kind: 'chain', param, targetTypes: usable, next: parseCondition(usable, rest, raw, fullName) };
}

function parseHas(types: string[], name: string, raw: string, fullName: string): Condition {
  const [, sourceType = '', referenceCode = '', ...restParts] = name.split(':');
  const rest = restParts.join(':');
  if (!sourceType || !referenceCode || !rest) {
    throw new ParamProblem(fullName, '_has takes the form _has:Type:reference:parameter=value');
  }
  if (!isResourceType(sourceType)) throw new ParamProblem(fullName, `'${sourceType}' is not a resource type`);
  const reference = paramFor(sourceType, referenceCode);
  if (reference?.type !== 'reference') {
    throw new ParamProblem(fullName, `'${referenceCode}' is not a reference parameter of ${sourceType}`);
  }
  const pointsHere =
    types.length === 0 || !reference.targets.length || types.some((t) => reference.targets.includes(t));
  if (!pointsHere)
    throw new ParamProblem(fullName, `${sourceType}.${referenceCode} cannot refer to ${types.join(', ')}`);
  return { kind: 'has', sourceType, referenceCode, next: parseCondition([sourceType], rest, raw, fullName) };
}

function parseSort(types: string[], raw: string): SortKey[] {
  return raw
    .split(',')
    .filter(Boolean)
    .map((piece) => {
      const descending = piece.startsWith('-');
      const code = descending ? piece.slice(1) : piece;
      if (COLUMN_PARAMS.has(code)) return { code, descending };
      const param = resolveParam(types, code, '_sort');
      if (param.type === 'composite') throw new ParamProblem('_sort', `Cannot sort by composite parameter '${code}'`);
      return { code, param, descending };
    });
}

function parseInclude(name: string, raw: string): IncludeSpec {
  const modifier = name.split(':')[1];
  if (modifier && modifier !== 'iterate' && modifier !== 'recurse') {
    throw new ParamProblem(name, `Modifier ':${modifier}' is not supported on ${name.split(':')[0]}`, 'not-supported');
  }
  const iterate = modifier === 'iterate' || modifier === 'recurse';
  if (raw === '*') return { sourceType: '*', iterate };
  const [sourceType = '', code = '', targetType] = raw.split(':');
  if (!isResourceType(sourceType)) throw new ParamProblem(name, `'${sourceType}' is not a resource type`);
  if (code === '*') return { sourceType, iterate, ...(targetType ? { targetType } : {}) };
  const param = paramFor(sourceType, code);
  if (param?.type !== 'reference') {
    throw new ParamProblem(name, `'${code}' is not a reference parameter of ${sourceType}`);
  }
  if (targetType && !isResourceType(targetType)) throw new ParamProblem(name, `'${targetType}' is not a resource type`);
  return { sourceType, code, iterate, ...(targetType ? { targetType } : {}) };
}

function parseTypes(raw: string): string[] {
  const types = raw.split(',').filter(Boolean);
  for (const type of types)
    if (!isResourceType(type)) throw new ParamProblem('_type', `'${type}' is not a resource type`);
  return types;
}

/**
 * Turns request parameters into a SearchQuery. Parameters that cannot be used are returned as problems
 * and left out; the caller decides (from the handling preference) whether that is an error.
 */
export function parseSearch(resourceType: string | undefined, params: [string, string][]): ParsedSearch {
  const problems: ParamProblem[] = [];
  const attempt = <T>(work: () => T): T | undefined => {
    try {
      return work();
    } catch (error) {
      if (error instanceof ParamProblem) {
        problems.push(error);
        return undefined;
      }
      throw error;
    }
  };
  let types = resourceType ? [resourceType] : [];
  if (!resourceType) {
    const typeParam = params.filter(([name]) => name === '_type').map(([, value]) => value);
    types = typeParam.flatMap((raw) => attempt(() => parseTypes(raw)) ?? []);
  }
  const query: SearchQuery = {
    types,
    conditions: [],
    sort: [],
    count: DEFAULT_COUNT,
    total: 'default',
    includes: [],
    revincludes: [],
    linkParams: [],
  };
  for (const [name, raw] of params) {
    if (IGNORED.has(name)) continue;
    const keep = () => query.linkParams.push([name, raw]);
    const base = name.split(':')[0];
    attempt(() => {
      switch (base) {
        case '_type':
          if (resourceType) throw new ParamProblem(name, '_type is only for searches across types', 'not-supported');
          keep();
          return;
        case '_count': {
          const count = Number(raw);
          if (!Number.isInteger(count) || count < 0) throw new ParamProblem(name, '_count must be a whole number');
          query.count = Math.min(count, MAX_COUNT);
          keep();
          return;
        }
        case '_cursor':
          query.cursor = decodeCursor(raw);
          return;
        case '_sort':
          query.sort = parseSort(types, raw);
          keep();
          return;
        case '_total':
          if (!['none', 'estimate', 'accurate'].includes(raw)) {
            throw new ParamProblem(name, '_total takes none, estimate or accurate');
          }
          query.total = raw as TotalMode;
          keep();
          return;
        case '_summary':
          if (!['true', 'text', 'data', 'count', 'false'].includes(raw)) {
            throw new ParamProblem(name, '_summary takes true, text, data, count or false');
          }
          query.summary = raw as SummaryMode;
          keep();
          return;
        case '_elements':
          query.elements = raw
            .split(',')
            .map((element) => element.trim())
            .filter(Boolean);
          keep();
          return;
        case '_include':
          query.includes.push(parseInclude(name, raw));
          keep();
          return;
        case '_revinclude':
          query.revincludes.push(parseInclude(name, raw));
          keep();
          return;
        default:
          query.conditions.push(parseCondition(types, name, raw));
          keep();
      }
    });
  }
  if (query.cursor) {
    const cursor = query.cursor;
    query.cursor = undefined;
    attempt(() => {
      checkCursor(cursor.values, query.sort);
      query.cursor = cursor;
    });
  }
  return { query, problems };
}

/** A cursor must fit the sort it was issued for; a crafted one is refused rather than sent to SQL. */
function checkCursor(cursor: unknown[], sort: SortKey[]): void {
  const refuse = () => new ParamProblem('_cursor', 'The _cursor parameter does not belong to this search');
  if (cursor.length !== sort.length + 2 || typeof cursor.at(-1) !== 'string' || typeof cursor.at(-2) !== 'string') {
    throw refuse();
  }
  sort.forEach((key, i) => {
    const value = cursor[i];
    if (value === null) return;
    const type = key.code === '_lastUpdated' ? 'date' : key.code === '_id' ? 'token' : key.param?.type;
    if (
      type === 'date' &&
      !/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}(:?\d{2})?|Z)$/.test(String(value))
    ) {
      throw refuse();
    }
    if ((type === 'number' || type === 'quantity') && !/^-?\d+(\.\d+)?$/.test(String(value))) throw refuse();
  });
}
