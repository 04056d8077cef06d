/** The LastPass Enterprise API client and gateway, as the composition root and the CLI use them. */
export { LastPassClient, type EventLog, type ExpiredPasswordList, type GenericAnswer } from './lastpass.client.ts';
export { LastPassGatewayAdapter } from './lastpass-gateway.ts';
export {
  DEFAULT_ENDPOINT,
  DEFAULT_TIMEOUTS,
  type LastPassClientOptions,
  type LastPassTimeouts,
} from './client-options.ts';
export { DEFAULT_RETRY_POLICY, type InRequestRetryPolicy } from './in-request-retry.ts';
export {
  LastPassAuthError,
  LastPassError,
  LastPassRejectedError,
  LastPassRemovedCommandError,
  LastPassTransientError,
} from './errors.ts';
export type { BatchItem, BatchResult, ItemResult } from './batch-results.ts';
export type { LastPassUser } from './normalise-user.ts';
export type { LastPassGroup, UserData } from './normalise-user-data.ts';
export type { SharedFolder, SharedFolderMember } from './normalise-shared-folders.ts';
export type { ReportEvent, ReportingCursor } from './normalise-events.ts';
export type { ExpiredPasswordUser } from './normalise-expired-passwords.ts';
export type {
  DeleteActionInput,
  ExpiredPasswordQuery,
  GroupChange,
  NewUser,
  ReportingQuery,
  UserDataQuery,
  UserUpdate,
} from './requests.ts';
