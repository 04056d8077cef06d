import fc from 'fast-check';

/**
 * What can happen in a short stretch of a company's life, for two HR people: HR events (as a
 * HRIS sends them: a full snapshot each time), the person's own steps in LastPass (accepting the
 * invitation, confirming an email change), resent and out-of-order events, and time passing.
 */
export const DEPARTMENTS = ['Engineering', 'Sales', 'Finance'] as const;
export type Department = (typeof DEPARTMENTS)[number];

export type HrChange =
  | { readonly type: 'joined'; readonly startInDays: number; readonly department: Department }
  | { readonly type: 'moved'; readonly department: Department }
  | { readonly type: 'email'; readonly address: number }
  | { readonly type: 'left'; readonly inDays: number; readonly immediate: boolean }
  | { readonly type: 'rehired'; readonly department: Department }
  | { readonly type: 'cancel_left' }
  | { readonly type: 'cancel_joined' }
  | { readonly type: 'hold'; readonly on: boolean };

export type Operation =
  | { readonly kind: 'hr'; readonly person: number; readonly change: HrChange }
  /** The HRIS sends an event it sent before (same id): a duplicate. */
  | { readonly kind: 'resend'; readonly pick: number }
  /** The HRIS sends a change with a sequence that is not newer than the last one: out of order. */
  | { readonly kind: 'stale'; readonly person: number; readonly change: HrChange }
  | { readonly kind: 'accept'; readonly person: number }
  | { readonly kind: 'confirm'; readonly person: number }
  | { readonly kind: 'advance'; readonly days: number };

export const PEOPLE = 2;

const department = fc.constantFrom(...DEPARTMENTS);
const person = fc.integer({ min: 0, max: PEOPLE - 1 });

export const hrChange: fc.Arbitrary<HrChange> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ type: fc.constant('joined' as const), startInDays: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10 })), department }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('moved' as const), department }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('email' as const), address: fc.integer({ min: 1, max: 2 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({ type: fc.constant('left' as const), inDays: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })), immediate: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('rehired' as const), department }) },
  { weight: 1, arbitrary: fc.constant({ type: 'cancel_left' as const }) },
  { weight: 1, arbitrary: fc.constant({ type: 'cancel_joined' as const }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('hold' as const), on: fc.boolean() }) },
);

export const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('hr' as const), person, change: hrChange }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resend' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stale' as const), person, change: hrChange }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('accept' as const), person }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('confirm' as const), person }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), days: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 4, max: 45 })) }) },
);

/** Always starts with a joiner, so most sequences have an account to offboard. */
export const sequence: fc.Arbitrary<Operation[]> = fc
  .tuple(person, department, fc.array(operation, { minLength: 1, maxLength: 14 }))
  .map(([first, dept, rest]) => [{ kind: 'hr', person: first, change: { type: 'joined', startInDays: 0, department: dept } }, ...rest]);
