import type { LastPassCommand } from '../../core/commands.ts';

/** A command's payload in a few words, for the audit trail; commands hold no secrets. */
export function summariseCommand(command: LastPassCommand): string {
  switch (command.kind) {
    case 'add_user': {
      const name = command.fullname ? ` (${command.fullname})` : '';
      const groups = command.groups.length > 0 ? `, groups ${command.groups.join(', ')}` : '';
      return `invite ${command.username}${name}${groups}${command.defaultPassword === true ? ', default password' : ''}`;
    }
    case 'update_user':
      return `${command.username}: name ${command.fullname}`;
    case 'change_groups': {
      const changes = [...command.add.map((g) => `+${g}`), ...command.del.map((g) => `-${g}`)];
      return `${command.username}: ${changes.length > 0 ? changes.join(', ') : 'no group change'}`;
    }
    case 'disable_user':
      return `disable ${command.username}`;
    case 'enable_user':
      return `enable ${command.username}`;
    case 'delete_user':
      return `${command.action} ${command.username}`;
    case 'update_email':
      return `${command.oldEmail} -> ${command.newEmail}`;
    case 'reinvite_user':
    case 'reset_password':
    case 'require_master_password_change':
    case 'disable_multifactor':
      return `${command.kind.replaceAll('_', ' ')} for ${command.username}`;
  }
}
