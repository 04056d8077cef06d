import type { CommandKind } from './commands.ts';

/**
 * Dispatch priority of a command (lower first): access removal never waits behind a backlog of
 * joiners or movers.
 */
export function commandPriority(kind: CommandKind): number {
  switch (kind) {
    case 'disable_user':
    case 'delete_user':
      return 0;
    case 'change_groups':
    case 'update_user':
    case 'update_email':
      return 1;
    case 'add_user':
    case 'enable_user':
      return 2;
    case 'reinvite_user':
    case 'reset_password':
    case 'require_master_password_change':
    case 'disable_multifactor':
      return 3;
  }
}
