import { type TypedValue, toTypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import type { IndexRows, TokenRow } from './index-rows';
import { emptyRows } from './index-rows';
import { dateRange, foldString, MAX_INDEXED_LENGTH, numberRangeOf, PHONE_PARAMS, phoneDigits } from './normalise';
import { parseReference } from './reference-parse';
import { type CompositePart, type ParamDefinition, paramsFor } from './search-definitions';

/** FHIR element values are untyped JSON here; each use checks the shape it reads. */
type Json = any;

const cut = (value: string) => value.slice(0, MAX_INDEXED_LENGTH);

function evaluate(param: { expression: ParamDefinition['expression'] }, input: TypedValue, root: TypedValue) {
  if (!param.expression) return [];
  try {
    return param.expression.eval({ variables: { '%resource': root, '%rootResource': root } }, [input]);
  } catch {
    return [];
  }
}

/** The strings a value contributes to a string parameter (every part of a name or address). */
export function stringsOf(item: TypedValue): string[] {
  const value: Json = item.value;
  if (value === null || value === undefined) return [];
  if (typeof value !== 'object') return [String(value)];
  const out: string[] = [];
  const push = (v: unknown) => {
    if (typeof v === 'string' && v) out.push(v);
    else if (Array.isArray(v)) for (const inner of v) push(inner);
  };
  if (item.type === 'HumanName') {
    for (const key of ['text', 'family', 'given', 'prefix', 'suffix']) push(value[key]);
  } else if (item.type === 'Address') {
    for (const key of ['text', 'line', 'city', 'district', 'state', 'postalCode', 'country']) push(value[key]);
  } else {
    for (const inner of Object.values(value)) if (typeof inner === 'string') push(inner);
  }
  return out;
}

/** The tokens a value contributes: system, code and (lower-cased) display text. */
export function tokensOf(code: string, item: TypedValue): TokenRow[] {
  const value: Json = item.value;
  if (value === null || value === undefined) return [];
  const row = (system: unknown, v: unknown, display: unknown, ofType: string | null = null): TokenRow => ({
    code,
    system: typeof system === 'string' ? cut(system) : null,
    value: v === undefined || v === null ? null : cut(String(v)),
    display: typeof display === 'string' && display ? foldString(display) : null,
    ofType,
  });
  if (typeof value !== 'object') return [row(null, value, null)];
  if (Array.isArray(value.coding) || typeof value.text === 'string') {
    // CodeableConcept
    const rows = ((value.coding ?? []) as Json[]).map((coding) =>
      row(coding.system, coding.code, coding.display ?? value.text),
    );
    if (value.text) rows.push(row(null, null, value.text));
    return rows;
  }
  if (item.type === 'Identifier' || (value.value !== undefined && (value.type || value.assigner || value.period))) {
    const types = ((value.type?.coding ?? []) as Json[]).map((coding) => `${coding.system ?? ''}|${coding.code ?? ''}`);
    if (!types.length) return [row(value.system, value.value, value.type?.text)];
    return types.map((ofType) => row(value.system, value.value, value.type?.text, cut(ofType)));
  }
  if (PHONE_PARAMS.has(code) && typeof value.value === 'string') {
    // Also the bare digits, which a `phone` search compares whatever punctuation either side used.
    const digits = phoneDigits(value.value);
    const rows = [row(value.system, value.value, null)];
    if (digits && digits !== value.value) rows.push(row(value.system, digits, null));
    return rows;
  }
  if (item.type === 'ContactPoint') return [row(value.system, value.value, null)];
  if ('code' in value || 'system' in value) return [row(value.system, value.code, value.display)];
  if ('value' in value) return [row(value.system, value.value, null)];
  return [];
}

interface QuantityValue {
  value: string;
  low: string;
  high: string;
  system: string | null;
  unit: string | null;
}

function quantityOf(value: Json): QuantityValue | undefined {
  if (!value || typeof value !== 'object' || typeof value.value !== 'number') return undefined;
  const range = numberRangeOf(value.value);
  if (!range) return undefined;
  const system = value.currency ? 'urn:iso:std:iso:4217' : (value.system ?? null);
  const unit = value.code ?? value.currency ?? value.unit ?? null;
  return { ...range, system, unit };
}

function datesOf(item: TypedValue): { low: string | null; high: string | null }[] {
  const value: Json = item.value;
  if (typeof value === 'string') {
    const range = dateRange(value);
    return range ? [{ low: range.low ?? null, high: range.high ?? null }] : [];
  }
  if (!value || typeof value !== 'object') return [];
  if ('start' in value || 'end' in value) {
    const start = typeof value.start === 'string' ? dateRange(value.start) : undefined;
    const end = typeof value.end === 'string' ? dateRange(value.end) : undefined;
    if (!start && !end) return [];
    return [{ low: start?.low ?? null, high: end?.high ?? null }];
  }
  const out: { low: string | null; high: string | null }[] = [];
  for (const event of (value.event ?? []) as unknown[]) {
    if (typeof event === 'string') out.push(...datesOf({ type: 'dateTime', value: event }));
  }
  const bounds = value.repeat?.boundsPeriod;
  if (bounds) out.push(...datesOf({ type: 'Period', value: bounds }));
  return out;
}

function componentValues(part: CompositePart, element: TypedValue, root: TypedValue): unknown[] {
  const out: unknown[] = [];
  for (const item of evaluate(part, element, root)) {
    switch (part.type) {
      case 'token':
        for (const token of tokensOf('', item)) if (token.value !== null) out.push({ s: token.system, c: token.value });
        break;
      case 'quantity':
      case 'number': {
        const quantity = typeof item.value === 'number' ? quantityOf({ value: item.value }) : quantityOf(item.value);
        if (quantity)
          out.push({ v: quantity.value, lo: quantity.low, hi: quantity.high, s: quantity.system, u: quantity.unit });
        break;
      }
      case 'date':
        for (const range of datesOf(item)) out.push({ lo: range.low, hi: range.high });
        break;
      case 'string':
        for (const text of stringsOf(item)) out.push({ v: foldString(text) });
        break;
      case 'uri':
        if (typeof item.value === 'string') out.push({ v: cut(item.value) });
        break;
    }
  }
  return out;
}

function addValue(rows: IndexRows, param: ParamDefinition, item: TypedValue, root: TypedValue): void {
  const { code } = param;
  const value: Json = item.value;
  switch (param.type) {
    case 'string':
      for (const text of stringsOf(item)) rows.string.push({ code, value: foldString(text), exact: cut(text) });
      break;
    case 'token':
      rows.token.push(...tokensOf(code, item));
      break;
    case 'reference': {
      const text = typeof value === 'string' ? value : value?.reference;
      const parsed = typeof text === 'string' ? parseReference(text) : undefined;
      if (parsed) rows.reference.push({ code, ...parsed });
      if (value?.identifier)
        rows.token.push(...tokensOf(`${code}:identifier`, { type: 'Identifier', value: value.identifier }));
      break;
    }
    case 'date':
      for (const range of datesOf(item)) rows.date.push({ code, ...range });
      break;
    case 'number': {
      const range = typeof value === 'number' ? numberRangeOf(value) : quantityOf(value);
      if (range) rows.number.push({ code, value: range.value, low: range.low, high: range.high });
      break;
    }
    case 'quantity': {
      const quantity = quantityOf(value);
      if (quantity) rows.quantity.push({ code, ...quantity });
      break;
    }
    case 'uri':
      if (typeof value === 'string' && value) rows.uri.push({ code, value: cut(value) });
      break;
    case 'composite': {
      const parts = param.components ?? [];
      const [first, ...rest] = parts.map((part) => componentValues(part, item, root));
      if (!first?.length || rest.some((values) => !values.length)) break;
      for (const key of first as { c?: string; v?: string }[]) {
        rows.composite.push({ code, firstKey: cut(String(key.c ?? key.v)), components: [[key], ...rest] });
      }
      break;
    }
  }
}

function dedupe<T>(rows: T[]): T[] {
  if (rows.length < 2) return rows;
  const seen = new Set<string>();
  return rows.filter((row) => {
    const key = JSON.stringify(row);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every index row of a resource, from every search parameter of its type. */
export function extractIndexRows(resource: Resource): IndexRows {
  const rows = emptyRows();
  const root = toTypedValue(resource);
  const keys = Object.keys(resource);
  // Choice elements appear as value[x] → valueQuantity, so an element is present when a key starts with it.
  const present = (name: string) =>
    keys.some((key) => key === name || (key.startsWith(name) && /^[A-Z]/.test(key.charAt(name.length))));
  for (const param of paramsFor(resource.resourceType).values()) {
    if (!param.expression) continue;
    if (param.rootElements && !param.rootElements.some(present)) continue;
    for (const item of evaluate(param, root, root)) addValue(rows, param, item, root);
  }
  for (const key of Object.keys(rows) as (keyof IndexRows)[]) {
    (rows as unknown as Record<string, unknown[]>)[key] = dedupe(rows[key] as unknown[]);
  }
  return rows;
}
