import { invalidFilter } from '../scim-http-error.ts';

export type FilterToken =
  | { readonly type: '(' | ')' | '[' | ']'; readonly at: number }
  /** A quoted string, unescaped (JSON string rules, RFC 7644 §3.4.2.2). */
  | { readonly type: 'string'; readonly value: string; readonly at: number }
  /** Anything else between spaces and brackets: attribute paths, operators, keywords, bare values. */
  | { readonly type: 'word'; readonly value: string; readonly at: number };

const SPACE = /\s/;
const WORD_END = /[\s()[\]"]/;

/** Splits a filter into tokens; a string that never ends is a 400 invalidFilter. */
export function lexFilter(text: string): FilterToken[] {
  const tokens: FilterToken[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (SPACE.test(ch)) {
      i += 1;
    } else if (ch === '(' || ch === ')' || ch === '[' || ch === ']') {
      tokens.push({ type: ch, at: i });
      i += 1;
    } else if (ch === '"') {
      const end = closingQuote(text, i);
      tokens.push({ type: 'string', value: unescape(text.slice(i, end + 1), i), at: i });
      i = end + 1;
    } else {
      let end = i;
      while (end < text.length && !WORD_END.test(text.charAt(end))) end += 1;
      tokens.push({ type: 'word', value: text.slice(i, end), at: i });
      i = end;
    }
  }
  return tokens;
}

function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i += 1) {
    const ch = text.charAt(i);
    if (ch === '\\') i += 1;
    else if (ch === '"') return i;
  }
  throw invalidFilter(`the string starting at position ${open + 1} is not closed`);
}

function unescape(literal: string, at: number): string {
  try {
    return JSON.parse(literal) as string;
  } catch {
    throw invalidFilter(`the string at position ${at + 1} has an invalid escape`);
  }
}
