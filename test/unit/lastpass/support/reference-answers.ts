/**
 * Answer shapes as the reference (docs/reference/lastpass-enterprise-api.md) records them, with
 * the section each comes from.
 */

/** §1.4: wrong cid or provhash, HTTP 200, text/xml. */
export const AUTH_ERROR_XML = '<?xml version="1.0" encoding="UTF-8"?>\n<lastpass rc="Authorization Error"/>';

/** §1.5 / §2.1, §2.2, §2.4, §2.7, §2.8: legacy mutation success. */
export const STATUS_OK = { status: 'OK' };

/** §2.6: batchchangegrp partial failure. */
export const BATCHCHANGEGRP_WARN = { status: 'WARN', errors: ['ghost@example.com does not exist'] };
export const BATCHCHANGEGRP_FAIL = { status: 'FAIL', errors: ['ghost@example.com does not exist'] };

/** §2.5: disableuser / enableuser. */
export const DISABLEUSER_SUCCESS = {
  status: 'success',
  disabled_users: ['ann@example.com'],
  unchanged_users: ['bob@example.com'],
};
export const ENABLEUSER_SUCCESS = { status: 'success', enabled_users: ['ann@example.com'] };
export const DISABLEUSER_ERROR = { status: 'error', error: 'data must be an array of emails' };

/** §2.3, recorded (J1, June 2022): no status key; strings for numbers; "" and null; a user without groups. */
export const GETUSERDATA_RECORDED = {
  total: 3,
  count: 3,
  Users: {
    '101': {
      username: 'ann@example.com',
      fullname: 'Ann Able',
      mpstrength: '100',
      created: '2021-03-01 10:00:00',
      last_pw_change: '2021-03-01 10:05:00',
      last_login: '2022-06-20 09:00:00',
      neverloggedin: false,
      disabled: false,
      admin: true,
      totalscore: '75',
      multifactor: 'lastpassauth',
      duousername: 'ann',
      sites: 12,
      notes: 1,
      formfills: 0,
      applications: 0,
      attachments: 2,
      password_reset_required: false,
      groups: ['Engineering', 'Admins'],
    },
    '102': {
      username: 'bob@example.com',
      fullname: '',
      mpstrength: '0',
      created: '2022-06-01 08:00:00',
      last_pw_change: '2022-06-01 08:00:00',
      last_login: '',
      neverloggedin: true,
      disabled: true,
      admin: false,
      totalscore: null,
      multifactor: null,
      duousername: null,
      sites: null,
      notes: null,
      formfills: null,
      applications: null,
      attachments: null,
      password_reset_required: true,
    },
    '103': {
      username: 'cy@example.com',
      fullname: 'Cy',
      mpstrength: '75',
      created: '2022-01-01 00:00:00',
      last_pw_change: '2022-01-01 00:00:00',
      last_login: '2022-02-02 02:02:02',
      neverloggedin: false,
      disabled: false,
      admin: false,
      totalscore: '0',
      groups: [],
    },
  },
  Groups: { Engineering: ['ann@example.com', 'bob@example.com'], Admins: ['ann@example.com'] },
  invited: ['dee@example.com'],
};

/** §2.3 (lpmgt comment): unknown username. */
export const GETUSERDATA_NOT_FOUND = { Users: [] };
/** §2.3 legacy doc sample: only Users and Groups, empty as PHP arrays. */
export const GETUSERDATA_EMPTY_LEGACY = { Users: [], Groups: [] };

/** §2.9: official sample (numbers) and the GAS-recorded variant (strings, deleted, superadmin). */
export const GETSFDATA = {
  '5001': {
    sharedfoldername: 'Shared-Engineering',
    score: 88.5,
    users: [{ username: 'ann@example.com', readonly: 0, give: 1, can_administer: 1 }],
  },
  '5002': {
    sharedfoldername: 'Shared-Finance',
    score: '40',
    deleted: false,
    users: [
      { username: 'bob@example.com', readonly: '1', give: '0', can_administer: '0', superadmin: false },
      { username: 'root@example.com', readonly: true, give: true, can_administer: true, superadmin: true },
    ],
  },
};
/** §2.10: plus per-user sites. */
export const GETDETAILEDSFDATA = {
  '5001': {
    sharedfoldername: 'Shared-Engineering',
    score: 88.5,
    users: [{ username: 'ann@example.com', readonly: 0, give: 1, can_administer: 1, sites: ['github.com', 'aws.amazon.com'] }],
  },
};
export const GETSFDATA_EMPTY: unknown[] = [];

/** §2.11: default format with `next`. */
export const REPORTING_PAGE = {
  status: 'OK',
  next: null,
  data: {
    Event1: {
      Time: '2024-05-02 10:00:00',
      Username: 'ann@example.com',
      IP_Address: '203.0.113.9',
      Action: 'Failed Login Attempt',
      Data: '',
    },
    Event2: {
      Time: '2024-05-02 09:00:00',
      Username: 'bob@example.com',
      IP_Address: '203.0.113.10',
      Action: 'Deactivated User',
      Data: 'cy@example.com',
    },
  },
};
/** §2.11: SIEM format as clients decode it. */
export const REPORTING_SIEM = {
  events: [
    {
      Time: '2024-05-02 10:00:00',
      Username: 'ann@example.com',
      IP_Address: '203.0.113.9',
      Action: 'Make Admin',
      Data: 'bob@example.com',
      ID: '77',
    },
  ],
};

/** §2.12. */
export const EXPIRED_PAGE_1 = {
  status: 'Success',
  continuation: { token: 'tok-2', remaining_item_count: 1 },
  items: [{ user_id: 11, user_name: 'ann@example.com', last_pw_change: '2023-01-01 00:00:00' }],
};
export const EXPIRED_PAGE_2 = {
  status: 'Success',
  continuation: { token: '', remaining_item_count: 0 },
  items: [{ user_id: '12', user_name: 'bob@example.com', last_pw_change: '2023-02-01 00:00:00' }],
};

/** §4: what an edge in front of LastPass may answer. */
export const EDGE_HTML_403 = '<html><head><title>Access Denied</title></head><body>Reference #18.abc</body></html>';
