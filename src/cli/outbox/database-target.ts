import type { DatabaseConfig } from '../../config/config.ts';

const MASK = '[redacted]';
// Brackets would be percent-encoded inside a URL; asterisks read the same either way.
const URL_MASK = '***';

/** How messages name the database: the SQLite path, or the PostgreSQL URL without its password. */
export function describeDatabase(config: DatabaseConfig): string {
  if (config.kind === 'sqlite') return `SQLite file ${config.path}`;
  const url = parseUrl(config.url.reveal());
  if (url === undefined) return 'PostgreSQL (DATABASE_URL is not a valid URL)';
  if (url.password !== '') url.password = URL_MASK;
  url.searchParams.forEach((_value, key) => {
    // libpq lets a password travel as a query parameter too.
    if (key.toLowerCase() === 'password') url.searchParams.set(key, URL_MASK);
  });
  return `PostgreSQL ${url.toString()}`;
}

/**
 * Removes the database password from a text before it is printed. Driver errors do not normally
 * quote the URL, but a message is the one place a password could still leak, so it is checked.
 */
export function withoutPassword(text: string, config: DatabaseConfig): string {
  if (config.kind === 'sqlite') return text;
  const raw = config.url.reveal();
  const url = parseUrl(raw);
  const secrets = new Set<string>();
  if (url !== undefined) {
    for (const value of [url.password, url.searchParams.get('password') ?? '']) {
      if (value === '') continue;
      secrets.add(value);
      secrets.add(safeDecode(value));
    }
  } else {
    secrets.add(raw); // unparseable: hide the whole URL
  }
  let masked = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret !== '') masked = masked.split(secret).join(MASK);
  }
  return masked;
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
