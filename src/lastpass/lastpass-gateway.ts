import {
  BATCHABLE_KINDS,
  type AccountAction,
  type AddUserCommand,
  type ChangeGroupsCommand,
  type DeleteUserCommand,
  type DisableUserCommand,
  type EnableUserCommand,
  type LastPassCommand,
  type UpdateEmailCommand,
} from '../core/commands.ts';
import { addressOf } from '../core/account-identity.ts';
import type { CommandOutcome, LastPassGateway, LocateResult } from '../core/lastpass-gateway.port.ts';
import type { Secret } from '../core/secret.ts';

import { type BatchItem, type BatchResult, namesUser } from './batch-results.ts';
import { sameUsername } from './coerce.ts';
import { checkEffects, type EffectQuestion } from './effect-check.ts';
import { LastPassRejectedError } from './errors.ts';
import type { LastPassClient } from './lastpass.client.ts';
import { outcomeOfError } from './outcome-of-error.ts';

type BatchCommand = AddUserCommand | ChangeGroupsCommand | DisableUserCommand | EnableUserCommand;
type SingleCommand = Exclude<LastPassCommand, BatchCommand>;

/**
 * LastPassGateway on top of LastPassClient. Batchable kinds go out as one call for the whole
 * array; the rest one call per command, in order.
 *
 * "Already so" counts as done (design: re-running a command whose effect holds is a success),
 * but LastPass's `unchanged_users` does not say whether a user was already disabled/enabled or
 * does not exist at all. So for every unchanged (or unreported) user the gateway looks the user
 * up with `getuserdata`: present and in the wanted state → done; absent, or present in the other
 * state → failed with the reason. A refused deluser gets the same check, so a retried delete of a
 * user who is already gone is done rather than dead-lettered, and so does a `batchadd` refused
 * because the user already exists (the retry after a lost answer): done once the account is there
 * with the planned groups.
 */
export interface GatewayOptions {
  /**
   * The default master password for joiners whose policy asks for one. Commands only say "use the
   * default password" (they are stored), so the value never reaches the database.
   */
  readonly defaultPassword?: Secret;
}

export class LastPassGatewayAdapter implements LastPassGateway {
  readonly #client: LastPassClient;
  readonly #defaultPassword: Secret | undefined;

  constructor(client: LastPassClient, options: GatewayOptions = {}) {
    this.#client = client;
    this.#defaultPassword = options.defaultPassword;
  }

  async execute(commands: readonly LastPassCommand[]): Promise<CommandOutcome[]> {
    const outcomes: CommandOutcome[] = [];
    for (const run of runsOfOneKind(commands)) {
      const authFailure = outcomes.find((outcome) => outcome.status === 'auth_failed');
      // Once the credentials are refused nothing else can succeed; do not keep knocking.
      if (authFailure) {
        outcomes.push(...run.map(() => authFailure));
        continue;
      }
      outcomes.push(...(await this.#executeRun(run)));
    }
    return outcomes;
  }

  async locate(usernames: readonly string[]): Promise<LocateResult> {
    try {
      for (const username of usernames) {
        const data = await this.#client.getUserData({ username });
        const user = data.users.find((candidate) => sameUsername(candidate.username, username));
        const invited = data.invited.find((email) => sameUsername(email, username));
        const found = user?.username ?? invited;
        if (found !== undefined) return { status: 'found', username: found.toLowerCase() };
      }
      return { status: 'absent' };
    } catch (error) {
      const outcome = outcomeOfError(error);
      return outcome.status === 'done' ? { status: 'absent' } : outcome;
    }
  }

  async #executeRun(run: readonly LastPassCommand[]): Promise<CommandOutcome[]> {
    try {
      const first = run[0];
      if (first === undefined) return [];
      if (BATCHABLE_KINDS.has(first.kind)) return await this.#executeBatch(run as readonly BatchCommand[]);
      const outcomes: CommandOutcome[] = [];
      for (const [index, command] of (run as readonly SingleCommand[]).entries()) {
        const outcome = await this.#executeOne(command);
        outcomes.push(outcome);
        if (outcome.status === 'auth_failed') return [...outcomes, ...run.slice(index + 1).map(() => outcome)];
      }
      return outcomes;
    } catch (error) {
      const outcome = outcomeOfError(error);
      return run.map(() => outcome);
    }
  }

  async #executeBatch(batch: readonly BatchCommand[]): Promise<CommandOutcome[]> {
    let result: BatchResult;
    try {
      result = await this.#sendBatch(batch);
    } catch (error) {
      // One bad entry can make LastPass refuse the whole call; send each alone to find it, so the
      // others are not dead-lettered with it.
      if (error instanceof LastPassRejectedError && batch.length > 1) return this.#executeEachAlone(batch);
      const only = batch[0];
      if (only?.kind === 'add_user' && error instanceof LastPassRejectedError && saysAlreadyExists([error.message, ...error.errors].join('\n'), only.username)) {
        return [await this.#existingAccount(only, outcomeOfError(error))];
      }
      const outcome = outcomeOfError(error);
      if (only !== undefined && outcome.status === 'failed' && error instanceof LastPassRejectedError && saysUnknown([error.message, ...error.errors], only.username)) {
        return [{ ...outcome, unknownUser: true }];
      }
      return batch.map(() => outcome);
    }
    return this.#resolveItems(batch, result);
  }

  /**
   * LastPass refused an invitation because the user exists: typically the answer to an earlier
   * `batchadd` was lost and this is the retry. The account is as planned once it is there (listed
   * or invited) with the planned groups, so the groups it lacks are added and the command is done;
   * an account that is not there after all keeps the refusal.
   */
  async #existingAccount(command: AddUserCommand, refusal: CommandOutcome): Promise<CommandOutcome> {
    try {
      const data = await this.#client.getUserData({ username: command.username });
      const user = data.users.find((candidate) => sameUsername(candidate.username, command.username));
      const invited = data.invited.some((email) => sameUsername(email, command.username));
      if (user === undefined && !invited) return refusal;
      const missing = user === undefined ? [] : command.groups.filter((group) => !user.groups.includes(group));
      if (missing.length > 0) {
        const added = await this.#client.changeGroups([{ username: command.username, add: missing, del: [] }]);
        if (!added.complete) {
          const item = added.items[0];
          return { status: 'failed', reason: `the user exists, but adding the planned groups failed: ${item?.message ?? added.status}` };
        }
      }
      const groups = missing.length === 0 ? '' : `; added the missing groups ${missing.join(', ')}`;
      return { status: 'done', detail: `already in LastPass (an earlier answer was probably lost)${groups}` };
    } catch (error) {
      return outcomeOfError(error);
    }
  }

  async #executeEachAlone(batch: readonly BatchCommand[]): Promise<CommandOutcome[]> {
    const outcomes: CommandOutcome[] = [];
    for (const command of batch) outcomes.push(...(await this.#executeBatch([command])));
    return outcomes;
  }

  async #sendBatch(batch: readonly BatchCommand[]): Promise<BatchResult> {
    const first = batch[0] as BatchCommand;
    switch (first.kind) {
      case 'add_user':
        return this.#client.batchAdd(
          (batch as readonly AddUserCommand[]).map((command) => ({
            username: command.username,
            groups: command.groups,
            ...(command.fullname === undefined ? {} : { fullname: command.fullname }),
            ...(command.attribs === undefined ? {} : { attribs: command.attribs }),
            ...(command.defaultPassword === true && this.#defaultPassword !== undefined
              ? { password: this.#defaultPassword, passwordResetRequired: command.passwordResetRequired ?? true }
              : {}),
          })),
        );
      case 'change_groups':
        return this.#client.changeGroups(
          (batch as readonly ChangeGroupsCommand[]).map((command) => ({
            username: command.username,
            add: command.add,
            del: command.del,
          })),
        );
      case 'disable_user':
        return this.#client.disableUsers(batch.map((command) => command.username));
      case 'enable_user':
        return this.#client.enableUsers(batch.map((command) => command.username));
    }
  }

  /** Per-user outcomes; users whose result LastPass left open are looked up. */
  async #resolveItems(batch: readonly BatchCommand[], result: BatchResult): Promise<CommandOutcome[]> {
    const outcomes: (CommandOutcome | undefined)[] = [];
    const questions: { index: number; question: EffectQuestion }[] = [];
    const existing: { index: number; command: AddUserCommand; refusal: CommandOutcome }[] = [];
    batch.forEach((command, index) => {
      const item = result.items[index];
      if (command.kind === 'add_user' && item?.result === 'failed' && saysAlreadyExists(item.message ?? '', command.username)) {
        existing.push({ index, command, refusal: itemOutcome(item, result) });
        outcomes.push(undefined);
        return;
      }
      const question = item === undefined ? undefined : questionFor(command, item);
      if (question !== undefined) questions.push({ index, question });
      outcomes.push(question === undefined ? itemOutcome(item, result) : undefined);
    });
    const answers = await checkEffects(
      this.#client,
      questions.map((entry) => entry.question),
    );
    questions.forEach((entry, position) => {
      outcomes[entry.index] = answers[position];
    });
    for (const entry of existing) outcomes[entry.index] = await this.#existingAccount(entry.command, entry.refusal);
    return outcomes.map((outcome) => outcome ?? { status: 'failed', reason: 'LastPass did not report this user' });
  }

  async #executeOne(command: SingleCommand): Promise<CommandOutcome> {
    // Readdressed to where the account already is (a new invitation at the new address).
    if (command.kind === 'update_email' && sameUsername(command.oldEmail, command.newEmail)) {
      return { status: 'done', detail: `the account is under ${command.newEmail} already` };
    }
    try {
      await this.#sendOne(command);
      return { status: 'done' };
    } catch (error) {
      if (command.kind === 'delete_user' && command.action === 'uninvite' && error instanceof LastPassRejectedError) {
        return this.#withdrawAccepted(command, outcomeOfError(error));
      }
      if (command.kind === 'delete_user' && error instanceof LastPassRejectedError) {
        const [outcome] = await checkEffects(this.#client, [deleteQuestion(command, error.message)]);
        return outcome ?? outcomeOfError(error);
      }
      if (command.kind === 'update_email' && error instanceof LastPassRejectedError && saysNotActivated([error.message, ...error.errors])) {
        return this.#inviteNewAddress(command);
      }
      const outcome = outcomeOfError(error);
      if (outcome.status === 'failed' && error instanceof LastPassRejectedError && saysUnknown([error.message, ...error.errors], addressOf(command))) {
        // An email change sent again after a lost answer: the account may already be where it should.
        if (command.kind === 'update_email' && (await this.locate([command.newEmail])).status === 'found') {
          return { status: 'done', detail: `${command.newEmail} is in LastPass already`, movedTo: command.newEmail.toLowerCase() };
        }
        return { ...outcome, unknownUser: true };
      }
      return outcome;
    }
  }

  /**
   * An uninvite LastPass refused: the invitation is gone already (done), or it was accepted and
   * the person has a vault, which is deactivated instead: someone who will not work here keeps
   * no access, and the removal planned after the grace period takes the account away.
   */
  async #withdrawAccepted(command: DeleteUserCommand, refusal: CommandOutcome): Promise<CommandOutcome> {
    try {
      const data = await this.#client.getUserData({ username: command.username });
      const user = data.users.find((candidate) => sameUsername(candidate.username, command.username));
      const invited = data.invited.some((email) => sameUsername(email, command.username));
      if (user === undefined && !invited) return { status: 'done', detail: 'no invitation left to withdraw: already absent from LastPass', userAbsent: true };
      if (user === undefined || invited) return refusal;
      const [outcome] = await this.#executeBatch([{ kind: 'disable_user', username: command.username }]);
      if (outcome?.status !== 'done') return outcome ?? refusal;
      return { status: 'done', detail: 'the invitation had been accepted, so the account was deactivated instead of uninvited', accountKept: true };
    } catch (error) {
      return outcomeOfError(error);
    }
  }

  /**
   * LastPass changes the email of an activated account only (the user confirms from the old
   * address); an invitation nobody accepted has no account to change. So the invitation is
   * withdrawn (`deluser` 3) and the new address invited with the same name and groups: the person
   * gets one invitation, at the address HR now has. Each step is safe to repeat: an invitation
   * already withdrawn, or one already sent to the new address, counts as done.
   */
  async #inviteNewAddress(command: UpdateEmailCommand): Promise<CommandOutcome> {
    const { oldEmail, newEmail } = command;
    const reinvite = command.reinvite ?? { groups: [] };
    try {
      try {
        await this.#client.deleteUser(oldEmail, 'uninvite');
      } catch (error) {
        if (!(error instanceof LastPassRejectedError && saysUnknown([error.message, ...error.errors], oldEmail))) throw error;
      }
      const [added] = await this.#executeBatch([{ kind: 'add_user', username: newEmail, ...reinvite }]);
      if (added?.status !== 'done') return added ?? { status: 'failed', reason: `LastPass did not report the invitation of ${newEmail}` };
      return {
        status: 'done',
        detail: `${oldEmail} never accepted the invitation, so LastPass cannot change its email: the invitation was withdrawn and ${newEmail} invited`,
        movedTo: newEmail.toLowerCase(),
      };
    } catch (error) {
      return outcomeOfError(error);
    }
  }

  async #sendOne(command: SingleCommand): Promise<void> {
    switch (command.kind) {
      case 'update_user':
        return this.#client.updateUser({ username: command.username, fullname: command.fullname });
      case 'delete_user':
        return this.#client.deleteUser(command.username, command.action);
      case 'update_email':
        return this.#client.updateEmail(command.oldEmail, command.newEmail);
      default:
        return this.#sendAccountAction(command.kind, command.username);
    }
  }

  async #sendAccountAction(action: AccountAction, username: string): Promise<void> {
    switch (action) {
      case 'reinvite_user':
        return this.#client.reinviteUser(username);
      case 'reset_password':
        return this.#client.resetPassword(username);
      case 'require_master_password_change':
        return this.#client.requireMasterPasswordChange(username);
      case 'disable_multifactor':
        return this.#client.disableMultifactor(username);
      default:
        // Commands arrive from storage; a kind written by a newer version must not pass as done.
        throw new Error(`no LastPass command for kind ${String(action satisfies never)}`);
    }
  }
}

function questionFor(command: BatchCommand, item: BatchItem): EffectQuestion | undefined {
  if (command.kind !== 'disable_user' && command.kind !== 'enable_user') return undefined;
  if (item.result !== 'unchanged' && item.result !== 'uncertain') return undefined;
  const expected = command.kind === 'disable_user' ? 'disabled' : 'enabled';
  const doubt =
    item.result === 'unchanged'
      ? `LastPass listed the user as unchanged`
      : `LastPass did not report the user as ${expected} or unchanged`;
  return { username: command.username, expected, doubt };
}

function itemOutcome(item: BatchItem | undefined, result: BatchResult): CommandOutcome {
  switch (item?.result) {
    case 'applied':
      return { status: 'done' };
    case 'failed': {
      const reason = `LastPass ${result.status}: ${item.message ?? 'failed'}`;
      return saysUnknown([item.message ?? ''], item.username) ? { status: 'failed', reason, unknownUser: true } : { status: 'failed', reason };
    }
    case 'uncertain':
    case 'unchanged':
      // Reached only for batchadd/batchchangegrp: a WARN whose errors name nobody leaves each
      // user's fate unknown; an operator looks rather than the change being assumed.
      return {
        status: 'failed',
        reason: `LastPass ${result.status} with errors naming no user (${result.unattributedErrors.join('; ')}); whether this change applied is unknown`,
      };
    case undefined:
      return { status: 'failed', reason: 'LastPass did not report this user' };
  }
}

/** LastPass's "<email> does not exist" about this username (not about a group named after it). */
function saysUnknown(texts: readonly string[], username: string): boolean {
  const escaped = username.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`(?<![A-Za-z0-9._%+-])${escaped}\\s+does not exist`, 'i');
  return escaped !== '' && texts.some((text) => pattern.test(text));
}

/** LastPass's refusal of an email change for an account nobody activated yet. */
function saysNotActivated(texts: readonly string[]): boolean {
  return texts.some((text) => /not (been )?activated|never activated|not yet activated|pending invitation/i.test(text));
}

/** LastPass's refusal of a `batchadd` entry for a user it already has. */
function saysAlreadyExists(text: string, username: string): boolean {
  return /already (exists|a member|in use|registered)/i.test(text) && (namesUser(text, username) || !/@/.test(text));
}

function deleteQuestion(command: DeleteUserCommand, refusal: string): EffectQuestion {
  return {
    username: command.username,
    expected: command.action === 'deactivate' ? 'disabled' : 'absent',
    doubt: refusal,
  };
}

/** Consecutive commands of one kind; the port promises one kind, this keeps order if it is broken. */
function runsOfOneKind(commands: readonly LastPassCommand[]): LastPassCommand[][] {
  const runs: LastPassCommand[][] = [];
  for (const command of commands) {
    const last = runs.at(-1);
    if (last !== undefined && last[0]?.kind === command.kind) last.push(command);
    else runs.push([command]);
  }
  return runs;
}
