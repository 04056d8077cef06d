import { invalidFilter } from '../scim-http-error.ts';
import { COMPARISON_OPERATORS, type ComparisonOperator, type FilterNode, type FilterValue } from './filter-ast.ts';
import { type FilterToken, lexFilter } from './filter-lexer.ts';

/** Longest filter taken; IdPs send a few dozen characters. */
export const MAX_FILTER_LENGTH = 4096;
/** Most comparisons in one filter, so a filter cannot become an unbounded SQL statement. */
export const MAX_FILTER_COMPARISONS = 100;
const MAX_DEPTH = 32;

// RFC 7644 §3.4.2.2 attrPath: [URI ":"] ATTRNAME *1subAttr; URNs carry dots ("2.0") and colons.
const ATTRIBUTE_PATH = /^(?:[A-Za-z][\w.:-]*:)?[A-Za-z$][\w$-]*(?:\.[A-Za-z$][\w$-]*)?$/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Parses a SCIM filter (RFC 7644 §3.4.2.2) into a tree: `or` binds loosest, then `and`, then
 * `not`; parentheses group; `attr[filter]` filters the elements of a multi-valued attribute.
 * Attribute names and operators are case-insensitive. Lenient where IdPs and Microsoft's test
 * collection are: a bare word stands for a string value (`userName sw O`), `True`/`False` in any
 * case are booleans, `not` may precede a comparison without parentheses, and Entra's
 * `emails[type eq "work"].value eq "x"` (a sub-attribute after the brackets) is understood.
 *
 * This is lpprov's own parser rather than scimmy's Filter, which negates `not (a or b)` as
 * `not a or not b`, cannot nest parentheses, cuts strings at escaped quotes, reads `True` as
 * false and accepts `userName eq` with no value (see docs/scim.md).
 */
export function parseFilter(text: string): FilterNode {
  if (text.trim() === '') throw invalidFilter('the filter is empty');
  if (text.length > MAX_FILTER_LENGTH) throw invalidFilter(`the filter is longer than ${MAX_FILTER_LENGTH} characters`);
  const parser = new Parser(lexFilter(text));
  const node = parser.parse();
  if (parser.comparisons > MAX_FILTER_COMPARISONS) throw invalidFilter(`the filter has more than ${MAX_FILTER_COMPARISONS} comparisons`);
  return node;
}

class Parser {
  readonly #tokens: readonly FilterToken[];
  #next = 0;
  comparisons = 0;

  constructor(tokens: readonly FilterToken[]) {
    this.#tokens = tokens;
  }

  parse(): FilterNode {
    const node = this.#or(0, false);
    const extra = this.#peek();
    if (extra !== undefined) throw invalidFilter(`unexpected ${describe(extra)} at position ${extra.at + 1}`);
    return node;
  }

  #or(depth: number, inValuePath: boolean): FilterNode {
    return this.#joined('or', () => this.#and(depth, inValuePath));
  }

  #and(depth: number, inValuePath: boolean): FilterNode {
    return this.#joined('and', () => this.#unary(depth, inValuePath));
  }

  #joined(keyword: 'and' | 'or', operand: () => FilterNode): FilterNode {
    const filters = [operand()];
    while (this.#isKeyword(this.#peek(), keyword)) {
      this.#take();
      filters.push(operand());
    }
    return filters.length === 1 ? (filters[0] as FilterNode) : { kind: keyword, filters };
  }

  #unary(depth: number, inValuePath: boolean): FilterNode {
    if (depth > MAX_DEPTH) throw invalidFilter('the filter nests too deeply');
    const token = this.#peek();
    if (this.#isKeyword(token, 'not')) {
      this.#take();
      return { kind: 'not', filter: this.#unary(depth + 1, inValuePath) };
    }
    if (token?.type === '(') {
      this.#take();
      const inner = this.#or(depth + 1, inValuePath);
      this.#expect(')');
      return inner;
    }
    return this.#attributeExpression(inValuePath, depth);
  }

  #attributeExpression(inValuePath: boolean, depth: number): FilterNode {
    const token = this.#take();
    if (token?.type !== 'word' || !ATTRIBUTE_PATH.test(token.value)) {
      throw invalidFilter(token === undefined ? 'the filter ends where an attribute was expected' : `expected an attribute name at position ${token.at + 1}, found ${describe(token)}`);
    }
    const path = token.value;
    if (this.#peek()?.type === '[') {
      if (inValuePath) throw invalidFilter(`a filter inside brackets cannot filter again ("${path}[")`);
      this.#take();
      const inner = this.#or(depth + 1, true);
      this.#expect(']');
      // Entra: emails[type eq "work"].value eq "x" — a comparison on a sub-attribute of the match.
      const after = this.#peek();
      let subPath: string | undefined;
      if (after?.type === 'word' && after.value.startsWith('.')) {
        this.#take();
        subPath = after.value.slice(1);
        if (!ATTRIBUTE_PATH.test(subPath) || subPath.includes('.')) throw invalidFilter(`invalid sub-attribute "${after.value}" at position ${after.at + 1}`);
      } else if (this.#isKeyword(after, 'pr')) {
        this.#take();
        this.comparisons += 1;
      } else if (after?.type === 'word' && isOperator(after.value)) {
        // Entra's documentation once showed emails[type eq "work"] eq "x": the element's value.
        subPath = 'value';
      }
      if (subPath === undefined) return { kind: 'valuePath', path, filter: inner };
      return { kind: 'valuePath', path, filter: { kind: 'and', filters: [inner, this.#test(subPath)] } };
    }
    return this.#test(path);
  }

  /** `pr`, or a comparison operator and its value, after an attribute path. */
  #test(path: string): FilterNode {
    const operator = this.#take();
    if (operator?.type !== 'word') {
      throw invalidFilter(operator === undefined ? `the filter ends after "${path}"; expected an operator` : `expected an operator after "${path}" at position ${operator.at + 1}`);
    }
    const op = operator.value.toLowerCase();
    this.comparisons += 1;
    if (op === 'pr') return { kind: 'present', path };
    if (!isOperator(op)) throw invalidFilter(`unknown operator "${operator.value}" at position ${operator.at + 1}`);
    return { kind: 'compare', path, op, value: this.#value(path, op) };
  }

  #value(path: string, op: string): FilterValue {
    const token = this.#take();
    if (token === undefined) throw invalidFilter(`"${path} ${op}" needs a value`);
    if (token.type === 'string') return token.value;
    if (token.type !== 'word') throw invalidFilter(`expected a value after "${path} ${op}" at position ${token.at + 1}`);
    const lower = token.value.toLowerCase();
    if (lower === 'true' || lower === 'false') return lower === 'true';
    if (lower === 'null') return null;
    if (NUMBER.test(token.value)) return Number(token.value);
    if (this.#isKeyword(token, 'and') || this.#isKeyword(token, 'or')) throw invalidFilter(`"${path} ${op}" needs a value`);
    return token.value;
  }

  #isKeyword(token: FilterToken | undefined, keyword: string): boolean {
    return token?.type === 'word' && token.value.toLowerCase() === keyword;
  }

  #expect(type: ')' | ']'): void {
    const token = this.#take();
    if (token?.type !== type) {
      throw invalidFilter(token === undefined ? `missing "${type}" at the end of the filter` : `expected "${type}" at position ${token.at + 1}, found ${describe(token)}`);
    }
  }

  #peek(): FilterToken | undefined {
    return this.#tokens[this.#next];
  }

  #take(): FilterToken | undefined {
    const token = this.#tokens[this.#next];
    if (token !== undefined) this.#next += 1;
    return token;
  }
}

function isOperator(word: string): word is ComparisonOperator {
  return (COMPARISON_OPERATORS as readonly string[]).includes(word.toLowerCase());
}

function describe(token: FilterToken): string {
  return token.type === 'string' ? `the string "${token.value}"` : token.type === 'word' ? `"${token.value}"` : `"${token.type}"`;
}
