/**
 * The API is PHP: `json_encode` escapes "/" as "\/" and every non-ASCII character as \uXXXX by
 * default. Both are valid JSON, so a client that parses JSON sees no difference; a client that
 * pattern-matches the raw text is caught here rather than in production.
 */
export function encodePhpJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
