import { isRecord, type JsonRecord } from './json-values.ts';

/** A settings update was refused; `problems` lists every reason at once. */
export class SettingsError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid simulator settings: ${problems.join('; ')}`);
    this.name = 'SettingsError';
    this.problems = problems;
  }
}

interface NumberRule {
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
}

/**
 * Reads one partial settings update (from JSON or from code) and collects every problem, so a
 * test author sees all typos in one answer instead of one per attempt.
 */
export class SettingsReader {
  readonly problems: string[] = [];

  record(value: unknown, path: string, allowedKeys: readonly string[]): JsonRecord | undefined {
    if (!isRecord(value)) {
      this.problems.push(`${path} must be an object`);
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (!allowedKeys.includes(key)) {
        this.problems.push(`${path === '' ? '' : `${path}.`}${key} is not a setting (known: ${allowedKeys.join(', ')})`);
      }
    }
    return value;
  }

  number(value: unknown, path: string, rule: NumberRule = {}): number | undefined {
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (rule.integer !== true || Number.isInteger(value)) &&
      (rule.min === undefined || value >= rule.min) &&
      (rule.max === undefined || value <= rule.max);
    if (ok) return value;
    const kind = rule.integer === true ? 'an integer' : 'a number';
    const range =
      rule.min !== undefined && rule.max !== undefined
        ? ` from ${rule.min} to ${rule.max}`
        : rule.min !== undefined
          ? ` >= ${rule.min}`
          : rule.max !== undefined
            ? ` <= ${rule.max}`
            : '';
    this.problems.push(`${path} must be ${kind}${range} (got ${JSON.stringify(value)})`);
    return undefined;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    if (typeof value === 'boolean') return value;
    this.problems.push(`${path} must be true or false (got ${JSON.stringify(value)})`);
    return undefined;
  }

  oneOf<T extends string>(value: unknown, path: string, choices: readonly T[]): T | undefined {
    const found = choices.find((choice) => choice === value);
    if (found !== undefined) return found;
    this.problems.push(`${path} must be one of ${choices.join(', ')} (got ${JSON.stringify(value)})`);
    return undefined;
  }

  problem(text: string): void {
    this.problems.push(text);
  }

  /** Throws when anything was wrong; call once, after reading everything. */
  finish(): void {
    if (this.problems.length > 0) throw new SettingsError(this.problems);
  }
}
