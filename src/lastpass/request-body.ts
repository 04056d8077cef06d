import { Secret } from '../core/secret.ts';

import type { WireEnvelope } from './wire-types.ts';

/**
 * The one place secrets are revealed: the provisioning hash and any default password become plain
 * text only inside the JSON string handed to the transport. JSON.stringify calls Secret#toJSON
 * before a replacer sees the value, so the replacer reads the original from its holder.
 */
export function serialiseRequest(envelope: WireEnvelope): string {
  return JSON.stringify(envelope, function revealSecrets(this: unknown, key: string, value: unknown) {
    const original = key === '' ? value : (this as Record<string, unknown>)[key];
    return original instanceof Secret ? original.reveal() : value;
  });
}

/** LastPass documents `cid` as an integer; a numeric account number goes out as one. */
export function wireCid(cid: string): number | string {
  return /^\d{1,15}$/.test(cid) ? Number(cid) : cid;
}
