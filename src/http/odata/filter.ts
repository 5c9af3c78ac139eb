/**
 * The OData `$filter` subset Graph clients send when they list Autopilot devices
 * (`contains(serialNumber,'PF5')` is what Microsoft's own tools use, API-FACTS §2.3):
 *
 *     filter     = conjunction
 *     conjunction = primary *( "and" primary )
 *     primary    = "(" conjunction ")" / comparison / function
 *     comparison = field "eq" string
 *     function   = ( "contains" / "startswith" ) "(" field "," string ")"
 *     field      = serialNumber / groupTag / manufacturer / model
 *     string     = "'" *( any character but "'" / "''" ) "'"
 *
 * Keywords, function names and field names are read in any letter case; whitespace may
 * surround every token. Since `and` is the only connective, parentheses never change the
 * meaning and are accepted around any part. Anything else — `or`, `not`, other
 * operators, functions or fields, numbers — is refused with the position it starts at.
 * Positions are 0-based indexes into the text (UTF-16 code units, as JavaScript counts).
 * @module
 */
import { PreflightError } from '../../domain/errors.js';
import {
  deviceConditionFields,
  type DeviceCondition,
  type DeviceConditionField,
} from '../../store/device.repo.js';

export type { DeviceCondition, DeviceConditionField } from '../../store/device.repo.js';

/** Longest `$filter` text read; longer ones are refused before parsing. */
export const DEVICE_FILTER_MAX_LENGTH = 2000;
/** Most conditions one `$filter` may hold. */
export const DEVICE_FILTER_MAX_TERMS = 10;

const SUPPORTED =
  "Supported: field eq 'value', contains(field,'value') and startswith(field,'value'), " +
  `joined by "and", on ${deviceConditionFields.join(', ')}.`;
const REMEDY =
  "Write the filter like contains(serialNumber,'PF5') and groupTag eq 'Sales'; " +
  "quote values in single quotes and double a quote inside one ('O''Brien').";

type Token =
  | { readonly type: '(' | ')' | ',' | 'end'; readonly pos: number }
  | { readonly type: 'word' | 'number' | 'other'; readonly pos: number; readonly text: string }
  | { readonly type: 'string'; readonly pos: number; readonly value: string };

/** Reads `text` as a device `$filter`; throws `input.invalid` saying where and why. */
export function parseDeviceFilter(text: string): DeviceCondition[] {
  if (text.length > DEVICE_FILTER_MAX_LENGTH) {
    throw filterError(
      DEVICE_FILTER_MAX_LENGTH,
      `found more text at position ${DEVICE_FILTER_MAX_LENGTH}, but at most ${DEVICE_FILTER_MAX_LENGTH} characters are read (this one has ${text.length}).`,
    );
  }
  return new Parser(tokenize(text)).parseWhole();
}

/**
 * The `$filter` text for `conditions` in canonical spelling, which `parseDeviceFilter`
 * reads back to the same conditions (for `@odata.nextLink` and for tests).
 */
export function formatDeviceFilter(conditions: readonly DeviceCondition[]): string {
  return conditions
    .map((c) => {
      const value = `'${c.value.replaceAll("'", "''")}'`;
      return c.op === 'eq' ? `${c.field} eq ${value}` : `${c.op}(${c.field},${value})`;
    })
    .join(' and ');
}

function filterError(position: number, message: string): PreflightError {
  return new PreflightError(
    'input.invalid',
    `Cannot read $filter: ${message} ${SUPPORTED}`,
    { field: '$filter', position },
    REMEDY,
  );
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

const WORD_START = /[A-Za-z_]/;
const WORD_PART = /[A-Za-z0-9_]/;
const NUMBER_PART = /[0-9A-Za-z.+-]/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (isSpace(c)) {
      i += 1;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: c, pos: i });
      i += 1;
    } else if (c === "'") {
      const start = i;
      let value = '';
      i += 1;
      for (;;) {
        const end = text.indexOf("'", i);
        if (end < 0) {
          throw filterError(
            start,
            `found a string that is never closed at position ${start}: add the closing single quote.`,
          );
        }
        value += text.slice(i, end);
        if (text[end + 1] === "'") {
          value += "'";
          i = end + 2;
        } else {
          i = end + 1;
          break;
        }
      }
      tokens.push({ type: 'string', pos: start, value });
    } else if (WORD_START.test(c)) {
      const start = i;
      while (i < text.length && WORD_PART.test(text[i]!)) {
        i += 1;
      }
      tokens.push({ type: 'word', pos: start, text: text.slice(start, i) });
    } else if (/[0-9]/.test(c) || ((c === '-' || c === '+') && /[0-9]/.test(text[i + 1] ?? ''))) {
      const start = i;
      i += 1;
      while (i < text.length && NUMBER_PART.test(text[i]!)) {
        i += 1;
      }
      tokens.push({ type: 'number', pos: start, text: text.slice(start, i) });
    } else {
      const ch = String.fromCodePoint(text.codePointAt(i)!);
      tokens.push({ type: 'other', pos: i, text: ch });
      i += ch.length;
    }
  }
  tokens.push({ type: 'end', pos: text.length });
  return tokens;
}

/** A short, quoted rendering of what was found, for messages. */
function describe(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'the end of the filter';
    case '(':
    case ')':
    case ',':
      return `"${token.type}"`;
    case 'string':
      return `the string '${clip(token.value)}'`;
    case 'number':
      return `the number ${clip(token.text)}`;
    case 'word':
      return `"${clip(token.text)}"`;
    case 'other':
      return `the character "${token.text}"`;
  }
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

const FUNCTIONS = new Map<string, DeviceCondition['op']>([
  ['contains', 'contains'],
  ['startswith', 'startswith'],
]);
const FIELDS = new Map<string, DeviceConditionField>(
  deviceConditionFields.map((f) => [f.toLowerCase(), f]),
);
/** OData operators we know of but do not support, for a precise message. */
const UNSUPPORTED_OPERATORS = new Set(['ne', 'gt', 'ge', 'lt', 'le', 'in', 'has']);
/** Words that can never name a field. */
const KEYWORDS = new Set(['and', 'or', 'not', 'eq', ...UNSUPPORTED_OPERATORS]);

class Parser {
  private index = 0;
  private readonly conditions: DeviceCondition[] = [];

  constructor(private readonly tokens: readonly Token[]) {}

  parseWhole(): DeviceCondition[] {
    this.conjunction();
    const next = this.peek();
    if (next.type !== 'end') {
      throw this.unexpected(next, 'expected "and" or the end of the filter');
    }
    return this.conditions;
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private take(): Token {
    const token = this.tokens[this.index]!;
    if (token.type !== 'end') {
      this.index += 1;
    }
    return token;
  }

  private isWord(token: Token, word: string): boolean {
    return token.type === 'word' && token.text.toLowerCase() === word;
  }

  private unexpected(token: Token, expectation: string): PreflightError {
    if (token.type === 'word') {
      const word = token.text.toLowerCase();
      if (word === 'or' || word === 'not') {
        return filterError(
          token.pos,
          `found "${token.text}" at position ${token.pos}, which is not supported: conditions can only be combined with "and".`,
        );
      }
      if (UNSUPPORTED_OPERATORS.has(word)) {
        return filterError(
          token.pos,
          `found the operator "${token.text}" at position ${token.pos}; the only comparison is "eq".`,
        );
      }
    }
    if (token.type === 'other' && token.text === '"') {
      return filterError(
        token.pos,
        `found a double quote at position ${token.pos}; OData strings are in single quotes.`,
      );
    }
    return filterError(
      token.pos,
      `found ${describe(token)} at position ${token.pos}; ${expectation}.`,
    );
  }

  private conjunction(): void {
    this.primary();
    while (this.isWord(this.peek(), 'and')) {
      this.take();
      this.primary();
    }
  }

  private primary(): void {
    const token = this.peek();
    if (token.type === '(') {
      this.take();
      this.conjunction();
      this.expect(')', 'expected "and" or ")"');
      return;
    }
    if (token.type !== 'word') {
      throw this.unexpected(token, 'expected a condition');
    }
    const word = token.text.toLowerCase();
    const op = FUNCTIONS.get(word);
    if (op !== undefined && this.tokens[this.index + 1]?.type === '(') {
      this.countTerm(token);
      this.take();
      this.take();
      const field = this.field();
      this.expect(',', `expected "," after the field`);
      const value = this.value();
      this.expect(')', 'expected ")" to close the function');
      this.conditions.push({ field, op, value });
      return;
    }
    if (this.tokens[this.index + 1]?.type === '(') {
      throw filterError(
        token.pos,
        `found the function "${token.text}" at position ${token.pos}, which is not supported.`,
      );
    }
    this.countTerm(token);
    const field = this.field();
    const operator = this.take();
    if (!this.isWord(operator, 'eq')) {
      throw this.unexpected(operator, `expected "eq" after ${field}`);
    }
    const value = this.value();
    this.conditions.push({ field, op: 'eq', value });
  }

  private countTerm(token: Token): void {
    if (this.conditions.length >= DEVICE_FILTER_MAX_TERMS) {
      throw filterError(
        token.pos,
        `found condition number ${this.conditions.length + 1} at position ${token.pos}; a filter may hold at most ${DEVICE_FILTER_MAX_TERMS}.`,
      );
    }
  }

  private field(): DeviceConditionField {
    const token = this.take();
    const field = token.type === 'word' ? FIELDS.get(token.text.toLowerCase()) : undefined;
    if (field !== undefined) {
      return field;
    }
    if (token.type === 'word' && !KEYWORDS.has(token.text.toLowerCase())) {
      throw filterError(
        token.pos,
        `found the field "${clip(token.text)}" at position ${token.pos}, which cannot be filtered on.`,
      );
    }
    throw this.unexpected(token, 'expected a field name');
  }

  private value(): string {
    const token = this.take();
    if (token.type === 'string') {
      return token.value;
    }
    if (token.type === 'number') {
      throw filterError(
        token.pos,
        `found the number ${clip(token.text)} at position ${token.pos}; values must be strings in single quotes.`,
      );
    }
    throw this.unexpected(token, 'expected a value in single quotes');
  }

  private expect(type: '(' | ')' | ',', expectation: string): void {
    const token = this.take();
    if (token.type !== type) {
      throw this.unexpected(token, expectation);
    }
  }
}
