/**
 * Reads assignment-rule text (the grammar described in `assignment-rule.ts`): a tokenizer
 * and a recursive-descent parser whose errors say where and why, with a hint.
 *
 * This module imports only types from `assignment-rule.ts`; the runtime vocabulary (the
 * operators and attribute names) is passed in, so the two modules form no import cycle.
 * @module
 */
import type {
  AssignmentRule,
  PhysicalIdAttribute,
  PhysicalIdCondition,
  RuleOperator,
  RuleParseResult,
} from './assignment-rule.js';

/** The names a rule may use, as `assignment-rule.ts` defines them. */
export interface RuleVocabulary {
  /** The comparisons allowed, in canonical spelling (`ruleOperators`). */
  readonly operators: readonly RuleOperator[];
  /** The attribute a bracketed name denotes, case-insensitively (`physicalIdAttribute`). */
  readonly attribute: (name: string) => PhysicalIdAttribute | undefined;
}

/**
 * Reads a rule text of any length (the length limit is `parseAssignmentRule`'s); never
 * throws for bad input, the error says where and why.
 */
export function readAssignmentRule(text: string, vocabulary: RuleVocabulary): RuleParseResult {
  try {
    const parser = new Parser(text, vocabulary);
    return { ok: true, rule: parser.parseWhole() };
  } catch (error) {
    if (error instanceof RuleSyntaxError) {
      return {
        ok: false,
        error: { message: error.message, position: error.position, hint: error.hint },
      };
    }
    throw error;
  }
}

const EXAMPLE = '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))';
const EXPECTED_OPERATORS = 'expected -eq, -startsWith or -contains';
/** Entra operators we deliberately leave out: a profile is chosen by what a tag is. */
const ENTRA_ONLY_OPERATORS = new Set(
  'ne notstartswith notcontains match notmatch in notin endswith not'.split(' '),
);

class RuleSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
    readonly hint: string,
  ) {
    super(message);
  }
}

type Token =
  | { readonly type: '(' | ')' | 'end'; readonly pos: number }
  | { readonly type: 'word' | 'op'; readonly pos: number; readonly text: string }
  | { readonly type: 'string'; readonly pos: number; readonly value: string };

function describeToken(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'The rule ends';
    case '(':
    case ')':
      return `Unexpected "${token.type}"`;
    case 'string':
      return `Unexpected value "${token.value}"`;
    case 'word':
    case 'op':
      return `Unexpected ${token.text}`;
  }
}

/** Reads a quoted value from `start` (the opening quote); returns it and the index after. */
function readString(text: string, start: number): [string, number] {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '`') {
      if (next !== '"' && next !== '`') {
        throw new RuleSyntaxError(
          `Unknown escape at position ${i}; a backtick escapes only " or another backtick.`,
          i,
          'Write `" for a double quote and `` for a backtick inside a value.',
        );
      }
      value += next;
      i += 2;
    } else if (c === '"' && next === '"') {
      value += '"';
      i += 2;
    } else if (c === '"') {
      return [value, i + 1];
    } else {
      value += c;
      i += 1;
    }
  }
  throw new RuleSyntaxError(
    `The value opened at position ${start} is never closed; expected a closing ".`,
    start,
    'End the value with a double quote; write `" for a double quote inside it.',
  );
}

const WORD = /-?[A-Za-z0-9_.]+/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '(' || c === ')') {
      tokens.push({ type: c, pos: i });
      i += 1;
    } else if (c === '"') {
      const [value, end] = readString(text, i);
      tokens.push({ type: 'string', pos: i, value });
      i = end;
    } else {
      WORD.lastIndex = i;
      const word = WORD.exec(text)?.[0];
      if (word === undefined || word === '-') {
        // Rules pasted from documents often carry typographic quotes.
        const quoteHint = /['‘’“”]/.test(c)
          ? 'Put values in straight double quotes ("), not single or typographic quotes.'
          : `Write rules like ${EXAMPLE}.`;
        throw new RuleSyntaxError(`Unexpected character "${c}" at position ${i}.`, i, quoteHint);
      }
      tokens.push({ type: word.startsWith('-') ? 'op' : 'word', pos: i, text: word });
      i += word.length;
    }
  }
  tokens.push({ type: 'end', pos: text.length });
  return tokens;
}

function isOp(token: Token, name: string): boolean {
  return token.type === 'op' && token.text.slice(1).toLowerCase() === name;
}

/** Throws "<what was found> at position <n>; <expected>." unless `ok`. */
function check(ok: boolean, token: Token, expected: string, hint: string): void {
  if (!ok) {
    const found = describeToken(token);
    throw new RuleSyntaxError(`${found} at position ${token.pos}; ${expected}.`, token.pos, hint);
  }
}

/** Recursive descent over the tokens: or-chain → and-chain → ( rule ) | condition. */
class Parser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(
    text: string,
    private readonly vocabulary: RuleVocabulary,
  ) {
    this.tokens = tokenize(text);
  }

  parseWhole(): AssignmentRule {
    if (this.peek().type === 'end') {
      throw new RuleSyntaxError('The rule is empty.', 0, `Write a rule such as ${EXAMPLE}.`);
    }
    const rule = this.parseChain('or');
    const rest = this.peek();
    const hint = 'Join conditions with -and or -or.';
    check(rest.type === 'end', rest, 'expected -and, -or or the end of the rule', hint);
    return rule;
  }

  private peek(): Token {
    return this.tokens[this.index] ?? { type: 'end', pos: 0 };
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== 'end') {
      this.index += 1;
    }
    return token;
  }

  private parseChain(kind: 'or' | 'and'): AssignmentRule {
    const part = (): AssignmentRule =>
      kind === 'or' ? this.parseChain('and') : this.parsePrimary();
    const rules = [part()];
    while (isOp(this.peek(), kind)) {
      this.next();
      rules.push(part());
    }
    const [first] = rules;
    return rules.length === 1 && first ? first : { kind, rules };
  }

  private expectClose(open: Token): void {
    const token = this.next();
    const expected = `expected ")" to close the "(" at position ${open.pos}`;
    check(token.type === ')', token, expected, 'Add the missing closing parenthesis.');
  }

  private parsePrimary(): AssignmentRule {
    const token = this.next();
    if (token.type === '(') {
      const inner = this.parseChain('or');
      this.expectClose(token);
      return inner;
    }
    if (isOp(token, 'not')) {
      throw new RuleSyntaxError(
        `-not at position ${token.pos} is not supported in assignment rules.`,
        token.pos,
        'Describe the devices to include, e.g. by tag with -eq or by prefix with -startsWith.',
      );
    }
    const hint = `Write conditions like ${EXAMPLE}.`;
    check(token.type === 'word', token, 'expected "(" or device.devicePhysicalIds', hint);
    return this.parseCondition(token);
  }

  private parseCondition(property: Token): PhysicalIdCondition {
    if (property.type === 'word' && property.text.toLowerCase() !== 'device.devicephysicalids') {
      throw new RuleSyntaxError(
        `Unknown property ${property.text} at position ${property.pos}; expected device.devicePhysicalIds.`,
        property.pos,
        'Group tags, purchase orders and ZTD ids are entries of device.devicePhysicalIds.',
      );
    }
    const any = this.next();
    const anyHint = 'A device matches when any one of its physical ids matches: use -any.';
    check(isOp(any, 'any'), any, 'expected -any', anyHint);
    const open = this.peek().type === '(' ? this.next() : null;
    const variable = this.next();
    const isItem = variable.type === 'word' && variable.text === '_';
    check(isItem, variable, 'expected _ (each physical id in turn)', `Write ${EXAMPLE}.`);
    const operator = this.parseOperator(this.next());
    const literal = this.next();
    const valueHint = 'Put the value in double quotes, e.g. "[OrderID]:Sales".';
    check(literal.type === 'string', literal, 'expected a quoted value', valueHint);
    const { attribute, value } = parseLiteral(literal, this.vocabulary.attribute);
    if (operator === 'eq' && value === null) {
      throw new RuleSyntaxError(
        `-eq "[${attribute}]" at position ${literal.pos} matches no device: every entry has a value after the colon.`,
        literal.pos,
        `Use -startsWith "[${attribute}]" to select every device with that entry.`,
      );
    }
    if (open) {
      this.expectClose(open);
    }
    return { kind: 'condition', operator, attribute, value };
  }

  private parseOperator(token: Token): RuleOperator {
    const name = token.type === 'op' ? token.text.slice(1).toLowerCase() : '';
    const operator = this.vocabulary.operators.find((o) => o.toLowerCase() === name);
    if (operator) {
      return operator;
    }
    const hint = 'Use -eq for an exact tag, -startsWith for a prefix, -contains for a part.';
    if (token.type === 'op') {
      const what = ENTRA_ONLY_OPERATORS.has(name) ? 'Unsupported' : 'Unknown';
      throw new RuleSyntaxError(
        `${what} operator ${token.text} at position ${token.pos}; ${EXPECTED_OPERATORS}.`,
        token.pos,
        hint,
      );
    }
    check(false, token, EXPECTED_OPERATORS, hint);
    return 'eq'; // unreachable: check(false, …) always throws
  }
}

/** Splits a quoted value into its attribute and the text after the colon. */
function parseLiteral(
  token: Token,
  physicalIdAttribute: RuleVocabulary['attribute'],
): Pick<PhysicalIdCondition, 'attribute' | 'value'> {
  const text = token.type === 'string' ? token.value : '';
  const close = text.startsWith('[') ? text.indexOf(']') : -1;
  const attribute = close > 0 ? physicalIdAttribute(text.slice(1, close)) : undefined;
  if (attribute === undefined) {
    throw new RuleSyntaxError(
      `The value at position ${token.pos} names no Autopilot attribute; expected it to start with [OrderID], [PurchaseOrderId] or [ZTDId].`,
      token.pos,
      'Match group tags as "[OrderID]:<tag>" and purchase orders as "[PurchaseOrderId]:<po>".',
    );
  }
  const rest = text.slice(close + 1);
  if (rest === '') {
    return { attribute, value: null };
  }
  if (!rest.startsWith(':')) {
    throw new RuleSyntaxError(
      `The value at position ${token.pos} continues after [${attribute}] without a colon; expected ":".`,
      token.pos,
      `Write "[${attribute}]:<value>".`,
    );
  }
  return { attribute, value: rest.slice(1) };
}
