import type { DeadLetter, UnitOfWork } from '../../core/ports.ts';

/**
 * Why a SCIM change was refused, in domain terms; the SCIM adapter maps each to its status and
 * scimType (src/scim), so the app never speaks HTTP.
 */
export class ScimChangeError extends Error {
  readonly reason: 'not_found' | 'uniqueness' | 'invalid_value' | 'conflict';

  constructor(reason: ScimChangeError['reason'], message: string) {
    super(message);
    this.name = 'ScimChangeError';
    this.reason = reason;
  }
}

/**
 * A SCIM user LastPass cannot have (no email address): the request is refused, so the identity
 * provider shows the error where its administrator looks, and the refusal is kept as an input
 * dead letter (`lpprov dead-letters`), written after the refused transaction rolled back.
 */
export class ScimInputRefused extends ScimChangeError {
  readonly letter: DeadLetter;

  constructor(message: string, letter: DeadLetter) {
    super('invalid_value', message);
    this.name = 'ScimInputRefused';
    this.letter = letter;
  }
}

/** Runs a SCIM change; a refusal of the input is recorded as a dead letter before it is rethrown. */
export async function recordingRefusals<T>(unitOfWork: UnitOfWork, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof ScimInputRefused) await unitOfWork.run((scope) => scope.deadLetters.add(error.letter));
    throw error;
  }
}
