import fc from 'fast-check';

/**
 * What can happen in a short stretch of a company's life, for two HR people and one person an
 * identity provider pushes over SCIM: HR events (as a HRIS sends them: a full snapshot each time),
 * SCIM requests (as Okta sends them: create, replace, group membership, delete), the person's own
 * steps in LastPass (accepting the invitation, confirming an email change), resent and
 * out-of-order events, and time passing.
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

/** A SCIM request for the identity provider's person (Okta's habits: PUT of the whole user). */
export type ScimChange =
  | { readonly type: 'create'; readonly department: Department; readonly address: number }
  /** `dropEmail`: a deactivation that also clears the user's email (some IdPs do, when they deprovision). */
  | { readonly type: 'active'; readonly active: boolean; readonly dropEmail: boolean }
  | { readonly type: 'department'; readonly department: Department }
  | { readonly type: 'email'; readonly address: number }
  /** Group push: the user's membership of the two pushed groups becomes exactly these. */
  | { readonly type: 'groups'; readonly groups: readonly number[] }
  | { readonly type: 'delete' };

export type Operation =
  | { readonly kind: 'hr'; readonly person: number; readonly change: HrChange }
  | { readonly kind: 'scim'; readonly change: ScimChange }
  /** The HRIS sends an event it sent before (same id): a duplicate. */
  | { readonly kind: 'resend'; readonly pick: number }
  /** The HRIS sends a change with a sequence that is not newer than the last one: out of order. */
  | { readonly kind: 'stale'; readonly person: number; readonly change: HrChange }
  /**
   * LastPass applies the next call of this API command but its answer is lost: lpprov must try
   * again later and, meanwhile, plan as if it may have been applied.
   */
  | { readonly kind: 'lose'; readonly cmd: LostCall }
  | { readonly kind: 'accept'; readonly person: number }
  | { readonly kind: 'confirm'; readonly person: number }
  | { readonly kind: 'advance'; readonly days: number };

/** Calls whose lost answer lpprov retries (an email-sending call is left to an operator instead). */
export const LOST_CALLS = ['batchadd', 'batchchangegrp', 'disableuser', 'enableuser', 'deluser', 'updateuser'] as const;
export type LostCall = (typeof LOST_CALLS)[number];

/** HR people are 0 and 1; the SCIM person is 2. */
export const PEOPLE = 2;
export const SCIM_PERSON = PEOPLE;

const department = fc.constantFrom(...DEPARTMENTS);
/** A start now, or in the coming days (an invitation scheduled for the start date). */
const startInDays = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10 }));
const person = fc.integer({ min: 0, max: PEOPLE - 1 });
/** Anyone with a LastPass account, the SCIM person included. */
const anyone = fc.integer({ min: 0, max: SCIM_PERSON });

export const hrChange: fc.Arbitrary<HrChange> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ type: fc.constant('joined' as const), startInDays, department }) },
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

export const scimChange: fc.Arbitrary<ScimChange> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ type: fc.constant('create' as const), department, address: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('active' as const), active: fc.boolean(), dropEmail: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('department' as const), department }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('email' as const), address: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('groups' as const), groups: fc.subarray([0, 1]) }) },
  { weight: 1, arbitrary: fc.constant({ type: 'delete' as const }) },
);

export const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('hr' as const), person, change: hrChange }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('scim' as const), change: scimChange }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resend' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stale' as const), person, change: hrChange }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lose' as const), cmd: fc.constantFrom(...LOST_CALLS) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('accept' as const), person: anyone }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('confirm' as const), person: anyone }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), days: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 4, max: 45 })) }) },
);

/**
 * Always starts with an HR joiner, so most sequences have an account to offboard, and has the
 * SCIM person created somewhere in the first steps, so the SCIM requests have a user to act on.
 */
export const sequence: fc.Arbitrary<Operation[]> = fc
  .tuple(
    person,
    department,
    startInDays,
    fc.record({ type: fc.constant('create' as const), department, address: fc.integer({ min: 0, max: 2 }) }),
    fc.nat({ max: 3 }),
    fc.array(operation, { minLength: 1, maxLength: 24 }),
  )
  .map(([first, dept, start, create, at, rest]): Operation[] => {
    const joiner: Operation = { kind: 'hr', person: first, change: { type: 'joined', startInDays: start, department: dept } };
    const ops = [...rest];
    ops.splice(Math.min(at, ops.length), 0, { kind: 'scim', change: create });
    return [joiner, ...ops];
  });
