import type { GroupChange, NewUser, ReportingQuery, UserUpdate } from './requests.ts';
import type { ReportingCursor } from './normalise-events.ts';
import type {
  WireBatchAddUser,
  WireGroupChange,
  WireReportingQuery,
  WireUpdateUser,
} from './wire-types.ts';

/** Typed requests in LastPass's field names; absent fields stay absent rather than null. */
export function toWireNewUser(user: NewUser): WireBatchAddUser {
  return {
    username: user.username,
    ...(user.fullname === undefined ? {} : { fullname: user.fullname }),
    ...(user.groups === undefined ? {} : { groups: user.groups }),
    ...(user.attribs === undefined ? {} : { attribs: user.attribs }),
    ...(user.duoUsername === undefined ? {} : { duousername: user.duoUsername }),
    ...(user.securidUsername === undefined ? {} : { securidusername: user.securidUsername }),
    ...(user.password === undefined ? {} : { password: user.password }),
    ...(user.passwordResetRequired === undefined ? {} : { password_reset_required: user.passwordResetRequired }),
  };
}

export function toWireReporting(query: ReportingQuery, next: ReportingCursor | undefined): WireReportingQuery {
  return {
    from: query.from,
    to: query.to,
    ...(query.search === undefined ? {} : { search: query.search }),
    ...(query.user === undefined ? {} : { user: query.user }),
    ...(query.adminOnly === true ? { admin: '1' as const } : {}),
    ...(query.format === 'siem' ? { format: 'siem' as const } : {}),
    ...(next === undefined ? {} : { next }),
  };
}

export function toWireUpdateUser(update: UserUpdate): WireUpdateUser {
  return {
    username: update.username,
    ...(update.fullname === undefined ? {} : { fullname: update.fullname }),
    ...(update.duoUsername === undefined ? {} : { duousername: update.duoUsername }),
    ...(update.securidUsername === undefined ? {} : { securidusername: update.securidUsername }),
  };
}

/** Empty `add`/`del` lists are left out, as the clients in the reference send only what changes. */
export function toWireGroupChange(change: GroupChange): WireGroupChange {
  return {
    username: change.username,
    ...(change.add && change.add.length > 0 ? { add: change.add } : {}),
    ...(change.del && change.del.length > 0 ? { del: change.del } : {}),
  };
}
