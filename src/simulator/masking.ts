/** Keys whose values never leave the simulator (call log, state, console). */
const SECRET_KEYS = new Set(['password', 'provhash', 'passwordhash']);

export const MASK = '********';

// Real provisioning hashes are long; masking every "x" of a demo hash "x" would garble output.
const MIN_SUBSTRING_SECRET = 8;

/** `text` with every occurrence of each secret (of 8+ characters) replaced by the mask. */
export function maskText(text: string, secrets: readonly string[]): string {
  return secrets.reduce(
    (masked, secret) =>
      secret.length >= MIN_SUBSTRING_SECRET && masked.includes(secret) ? masked.replaceAll(secret, MASK) : masked,
    text,
  );
}

/**
 * A deep copy of a request value with secrets masked: values under secret keys, and the secrets
 * themselves (the provisioning hash) wherever a client put them: a whole string, or (8+
 * characters) inside one.
 */
export function maskSecrets(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return secrets.includes(value) ? MASK : maskText(value, secrets);
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item, secrets));
  if (typeof value === 'object' && value !== null) {
    // fromEntries defines own properties, so a "__proto__" key from JSON stays a plain key.
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        SECRET_KEYS.has(key.toLowerCase()) ? MASK : maskSecrets(item, secrets),
      ]),
    );
  }
  return value;
}
