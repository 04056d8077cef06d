import type { CommandOutcome } from '../core/lastpass-gateway.port.ts';

import { sameUsername } from './coerce.ts';
import type { LastPassClient } from './lastpass.client.ts';
import type { UserData } from './normalise-user-data.ts';
import { outcomeOfError } from './outcome-of-error.ts';

/**
 * The state a command should have left a user in, checked with `getuserdata` when LastPass's
 * answer does not say whether the effect holds (`unchanged_users`, an unreported user, or a
 * deluser refusal that may mean "already gone").
 */
export type ExpectedState = 'disabled' | 'enabled' | 'absent';

export interface EffectQuestion {
  readonly username: string;
  readonly expected: ExpectedState;
  /** Why LastPass's answer was not enough; the failure reason when the effect does not hold. */
  readonly doubt: string;
}

/** Above this many users, one full listing is cheaper than a lookup per user. */
const PER_USER_LOOKUP_LIMIT = 10;

/** One outcome per question, in order. Never rejects. */
export async function checkEffects(
  client: LastPassClient,
  questions: readonly EffectQuestion[],
): Promise<CommandOutcome[]> {
  if (questions.length === 0) return [];
  try {
    if (questions.length > PER_USER_LOOKUP_LIMIT) {
      const everyone = await client.getUserData();
      return questions.map((question) => judge(question, everyone));
    }
    const outcomes: CommandOutcome[] = [];
    for (const question of questions) {
      outcomes.push(judge(question, await client.getUserData({ username: question.username })));
    }
    return outcomes;
  } catch (error) {
    const outcome = outcomeOfError(error);
    return questions.map(() => outcome);
  }
}

function judge(question: EffectQuestion, data: UserData): CommandOutcome {
  const user = data.users.find((candidate) => sameUsername(candidate.username, question.username));
  const invited = data.invited.some((email) => sameUsername(email, question.username));
  switch (question.expected) {
    case 'absent':
      return user === undefined && !invited
        ? { status: 'done', detail: 'already absent from LastPass', userAbsent: true }
        : { status: 'failed', reason: question.doubt };
    case 'disabled':
    case 'enabled': {
      if (user === undefined) {
        const pending = invited ? ' (only a pending invitation exists)' : '';
        return { status: 'failed', reason: `no such user in LastPass${pending}; ${question.doubt}`, ...(invited ? {} : { unknownUser: true }) };
      }
      const wantDisabled = question.expected === 'disabled';
      return user.disabled === wantDisabled
        ? { status: 'done', detail: `already ${question.expected}` }
        : { status: 'failed', reason: `user is not ${question.expected} in LastPass; ${question.doubt}` };
    }
  }
}
