const MASK = '[redacted]';
// The well-known symbol node:util.inspect looks for; core imports no Node modules.
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * A secret value (provisioning hash, bearer token, password) that refuses to show itself: string
 * conversion, JSON, util.inspect and pino all see `[redacted]`. Only `reveal()` gives the value,
 * and it is called at the one place that puts the secret on the wire.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  /** Constant-time equality is the caller's job (node:crypto timingSafeEqual); this is for config. */
  get isEmpty(): boolean {
    return this.#value.length === 0;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [INSPECT](): string {
    return MASK;
  }
}
