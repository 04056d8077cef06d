import { createHash, randomBytes } from 'node:crypto';

/** Where the generated token's digest lives (lpprov's database); the token itself never does. */
export interface GeneratedTokenStore {
  current(): Promise<{ readonly sha256Hex: string } | undefined>;
  createIfAbsent(sha256Hex: string, now: number): Promise<boolean>;
  replace(sha256Hex: string, now: number): Promise<void>;
  forget(sha256Hex: string): Promise<void>;
}

const TOKEN_PREFIX = 'lpprov_scim_';

/** 256 random bits; the prefix lets secret scanners and people recognise what leaked. */
export function newScimToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function tokenDigestHex(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * On first start without SCIM_TOKENS: makes a token and stores its digest. Returns the token only
 * when this call created it, so it is shown once; later starts (and a replica that lost the race
 * to create it) get undefined and keep using the stored digest.
 */
export async function ensureGeneratedToken(store: GeneratedTokenStore, now: number): Promise<string | undefined> {
  if ((await store.current()) !== undefined) return undefined;
  const token = newScimToken();
  return (await store.createIfAbsent(tokenDigestHex(token), now)) ? token : undefined;
}

/** Replaces the generated token; the new one is returned once and the old one stops working. */
export async function rotateGeneratedToken(store: GeneratedTokenStore, now: number): Promise<string> {
  const token = newScimToken();
  await store.replace(tokenDigestHex(token), now);
  return token;
}
