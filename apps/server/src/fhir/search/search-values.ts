import { isResourceType } from '../core/definitions';
import { dateRange, numberRange } from './normalise';
import { parseReference } from './reference-parse';
import type { ParamType } from './search-definitions';
import { PREFIXES, type Prefix, type SearchValue } from './search-query';

/** A value that cannot be understood for its parameter's type. */
export class ValueError extends Error {}

/** Splits on an unescaped separator (`\,` `\|` `\$` are literal), unescaping each piece. */
export function splitEscaped(text: string, separator: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\' && i + 1 < text.length) {
      current += text[i + 1] === separator ? separator : char + text[i + 1];
      i++;
    } else if (char === separator) {
      out.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  out.push(current);
  return out;
}

function unescapeValue(text: string): string {
  return text.replace(/\\([\\,|$])/g, '$1');
}

function withPrefix(text: string): { prefix: Prefix; rest: string } {
  const candidate = text.slice(0, 2) as Prefix;
  if (PREFIXES.includes(candidate) && /^[\d+-]/.test(text.slice(2))) return { prefix: candidate, rest: text.slice(2) };
  return { prefix: 'eq', rest: text };
}

/** Parses one (comma-separated piece of a) search value for a parameter type. */
export function parseValue(type: ParamType, raw: string, compositeTypes?: ParamType[]): SearchValue {
  switch (type) {
    case 'string':
      return { type, text: unescapeValue(raw) };
    case 'uri':
      return { type, text: unescapeValue(raw) };
    case 'token': {
      const pieces = splitEscaped(raw, '|');
      if (pieces.length === 1) return { type, code: unescapeValue(pieces[0]!), text: unescapeValue(raw) };
      if (pieces.length !== 2) throw new ValueError(`'${raw}' is not a token (system|code)`);
      const [system, code] = pieces.map(unescape) as [string, string];
      return { type, system: system === '' ? null : system, ...(code ? { code } : {}), text: unescapeValue(raw) };
    }
    case 'reference': {
      const text = unescapeValue(raw);
      if (!text) throw new ValueError('A reference value cannot be empty');
      if (!text.includes('/') && !text.includes(':')) return { type, id: text };
      const parsed = parseReference(text);
      if (parsed?.targetType && !isResourceType(parsed.targetType)) {
        throw new ValueError(`'${parsed.targetType}' is not a resource type`);
      }
      if (parsed?.targetId) return { type, targetType: parsed.targetType!, id: parsed.targetId };
      return { type, url: text };
    }
    case 'date': {
      const { prefix, rest } = withPrefix(raw);
      // An unencoded '+' of a time zone arrives as a space once the query string is decoded.
      const range = dateRange(rest.replace(/ (\d{2}:\d{2})$/, '+$1'));
      if (!range?.low || !range.high) throw new ValueError(`'${raw}' is not a date, dateTime or instant`);
      return { type, prefix, low: range.low, high: range.high };
    }
    case 'number': {
      const { prefix, rest } = withPrefix(raw);
      const range = numberRange(rest);
      if (!range) throw new ValueError(`'${raw}' is not a number`);
      return { type, prefix, ...range };
    }
    case 'quantity': {
      const pieces = splitEscaped(raw, '|');
      if (pieces.length !== 1 && pieces.length !== 3) {
        throw new ValueError(`'${raw}' is not a quantity (number|system|code)`);
      }
      const { prefix, rest } = withPrefix(pieces[0]!);
      const range = numberRange(rest);
      if (!range) throw new ValueError(`'${raw}' does not start with a number`);
      const system = pieces[1] ? unescapeValue(pieces[1]) : undefined;
      const unit = pieces[2] ? unescapeValue(pieces[2]) : undefined;
      return { type, prefix, ...range, ...(system ? { system } : {}), ...(unit ? { unit } : {}) };
    }
    case 'composite': {
      const pieces = splitEscaped(raw, '$');
      if (!compositeTypes || pieces.length !== compositeTypes.length) {
        throw new ValueError(`'${raw}' needs ${compositeTypes?.length ?? 2} components separated by $`);
      }
      return { type, parts: pieces.map((piece, i) => parseValue(compositeTypes[i]!, piece)) };
    }
  }
}

/** The comma-separated alternatives of a parameter value. */
export function parseValues(type: ParamType, raw: string, compositeTypes?: ParamType[]): SearchValue[] {
  return splitEscaped(raw, ',')
    .filter((piece) => piece !== '')
    .map((piece) => parseValue(type, piece, compositeTypes));
}
