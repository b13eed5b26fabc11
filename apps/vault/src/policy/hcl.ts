/*
 * A small parser for the HCL subset used by Vault policies: attributes (`key = value`), blocks with string
 * labels (`path "secret/*" { ... }`), strings with escapes, heredocs, numbers, booleans, lists and objects,
 * and #, // and /* *\/ comments. Blocks become arrays of labelled entries so repeated blocks are kept.
 */

export type HclValue = string | number | boolean | null | HclValue[] | HclObject;
export interface HclObject {
  [key: string]: HclValue;
}

/** A block `name "label" { body }` is returned as { name: [{ label: body }, ...] }. */
export class HclParseError extends Error {
  constructor(message: string, line: number, column: number) {
    super(`${message} at line ${line}, column ${column}`);
    this.name = 'HclParseError';
  }
}

type TokenKind = 'ident' | 'string' | 'number' | 'punct' | 'eof';
interface Token {
  kind: TokenKind;
  value: string;
  line: number;
  column: number;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const col = () => i - lineStart + 1;
  const fail = (message: string): never => {
    throw new HclParseError(message, line, col());
  };
  while (i < source.length) {
    const c = source[i] as string;
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#' || (c === '/' && source[i + 1] === '/')) {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      if (end === -1) fail('unterminated comment');
      for (let j = i; j < end; j++) {
        if (source[j] === '\n') {
          line++;
          lineStart = j + 1;
        }
      }
      i = end + 2;
      continue;
    }
    const startLine = line;
    const startColumn = col();
    if ('{}[]=,:'.includes(c)) {
      tokens.push({ kind: 'punct', value: c, line: startLine, column: startColumn });
      i++;
      continue;
    }
    if (c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= source.length) fail('unterminated string');
        const ch = source[i] as string;
        if (ch === '\n') fail('newline in string');
        if (ch === '"') {
          i++;
          break;
        }
        if (ch === '\\') {
          const next = source[i + 1];
          const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '/': '/' };
          if (next !== undefined && simple[next] !== undefined) {
            value += simple[next];
            i += 2;
          } else if (next === 'u') {
            const hex = source.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad unicode escape');
            value += String.fromCharCode(Number.parseInt(hex, 16));
            i += 6;
          } else {
            fail('bad escape sequence');
          }
          continue;
        }
        // ${ } interpolation is not used by policies; keep it literal.
        value += ch;
        i++;
      }
      tokens.push({ kind: 'string', value, line: startLine, column: startColumn });
      continue;
    }
    if (c === '<' && source[i + 1] === '<') {
      const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_]*)\r?\n/.exec(source.slice(i));
      if (!m) fail('bad heredoc');
      const [header, indent, marker] = m as RegExpExecArray;
      i += header.length;
      line++;
      lineStart = i;
      const lines: string[] = [];
      for (;;) {
        if (i >= source.length) fail('unterminated heredoc');
        let end = source.indexOf('\n', i);
        if (end === -1) end = source.length;
        const text = source.slice(i, end).replace(/\r$/, '');
        i = Math.min(end + 1, source.length);
        line++;
        lineStart = i;
        if (text.trim() === marker) break;
        lines.push(text);
      }
      let value = lines.join('\n');
      if (indent) {
        const widths = lines.filter((l) => l.trim()).map((l) => (/^[ \t]*/.exec(l)?.[0] ?? '').length);
        const strip = widths.length ? Math.min(...widths) : 0;
        value = lines.map((l) => l.slice(strip)).join('\n');
      }
      tokens.push({ kind: 'string', value: `${value}\n`, line: startLine, column: startColumn });
      continue;
    }
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(i, i + 64));
    if (num && (c === '-' || /\d/.test(c))) {
      tokens.push({ kind: 'number', value: num[0], line: startLine, column: startColumn });
      i += num[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_\-.]*/.exec(source.slice(i, i + 256));
    if (ident) {
      tokens.push({ kind: 'ident', value: ident[0], line: startLine, column: startColumn });
      i += ident[0].length;
      continue;
    }
    fail(`unexpected character ${JSON.stringify(c)}`);
  }
  tokens.push({ kind: 'eof', value: '', line, column: col() });
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos] as Token;
  }
  private next(): Token {
    return this.tokens[this.pos++] as Token;
  }
  private fail(message: string, token = this.peek()): never {
    throw new HclParseError(message, token.line, token.column);
  }
  private isPunct(value: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.value === value;
  }
  private expectPunct(value: string): void {
    if (!this.isPunct(value)) this.fail(`expected "${value}"`);
    this.pos++;
  }

  parseBody(closing: string | null): HclObject {
    const body: HclObject = {};
    for (;;) {
      const t = this.peek();
      if (closing === null && t.kind === 'eof') return body;
      if (closing !== null && this.isPunct(closing)) {
        this.pos++;
        return body;
      }
      if (t.kind === 'eof') this.fail('unexpected end of input');
      if (t.kind !== 'ident' && t.kind !== 'string') this.fail('expected an attribute or block name');
      const name = this.next().value;
      if (this.isPunct('=') || this.isPunct(':')) {
        this.pos++;
        const value = this.parseValue();
        if (isBlockObject(value) && Array.isArray(body[name])) (body[name] as HclValue[]).push(value);
        else body[name] = value;
      } else {
        const labels: string[] = [];
        while (this.peek().kind === 'string' || this.peek().kind === 'ident') labels.push(this.next().value);
        if (this.isPunct('=')) this.pos++;
        this.expectPunct('{');
        let inner: HclValue = this.parseBody('}');
        for (let l = labels.length - 1; l >= 0; l--) inner = { [labels[l] as string]: inner };
        const existing = body[name];
        if (Array.isArray(existing)) existing.push(inner);
        else body[name] = [inner];
      }
      if (this.isPunct(',')) this.pos++;
    }
  }

  parseValue(): HclValue {
    const t = this.next();
    switch (t.kind) {
      case 'string':
        return t.value;
      case 'number':
        return Number(t.value);
      case 'ident':
        if (t.value === 'true') return true;
        if (t.value === 'false') return false;
        if (t.value === 'null') return null;
        return this.fail(`unexpected identifier "${t.value}"`, t);
      case 'punct':
        if (t.value === '[') {
          const list: HclValue[] = [];
          while (!this.isPunct(']')) {
            list.push(this.parseValue());
            if (this.isPunct(',')) this.pos++;
            else if (!this.isPunct(']')) this.fail('expected "," or "]"');
          }
          this.pos++;
          return list;
        }
        if (t.value === '{') return this.parseBody('}');
        return this.fail(`unexpected "${t.value}"`, t);
      default:
        return this.fail('unexpected end of input', t);
    }
  }
}

function isBlockObject(value: HclValue): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses HCL source into plain objects; throws HclParseError with a line and column on bad input. */
export function parseHcl(source: string): HclObject {
  return new Parser(tokenize(source)).parseBody(null);
}
