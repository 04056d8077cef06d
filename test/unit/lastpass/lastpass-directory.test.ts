import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { LastPassRejectedError } from '../../../src/lastpass/errors.ts';
import { LastPassDirectoryAdapter } from '../../../src/lastpass/lastpass-directory.ts';
import { startScriptedServer, type ScriptedServer } from './support/scripted-server.ts';
import { testClient } from './support/test-client.ts';

const user = (username: string, extra: Record<string, unknown> = {}) => ({
  username,
  fullname: '',
  disabled: false,
  admin: false,
  neverloggedin: false,
  ...extra,
});

describe('LastPassDirectoryAdapter', () => {
  let server: ScriptedServer;
  beforeEach(async () => {
    server = await startScriptedServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('lists every user lower-cased, marks invitations, and keeps invitation-only emails with unknown groups', async () => {
    server.script({
      body: {
        total: 3,
        count: 3,
        Users: {
          '1': user('Ann@Acme.example', { fullname: 'Ann', groups: ['hr-all'] }),
          '2': user('bob@acme.example', { disabled: true }),
          '3': user('cat@acme.example', { groups: [] }),
        },
        Groups: { 'hr-all': ['Ann@Acme.example'], Finance: ['bob@acme.example'] },
        invited: ['cat@acme.example', 'dan@acme.example'],
      },
    });
    const { client } = testClient(server.url);
    const users = await new LastPassDirectoryAdapter(client).listUsers();
    await client.close();
    expect(users).toEqual([
      { username: 'ann@acme.example', fullname: 'Ann', disabled: false, admin: false, invited: false, groups: ['hr-all'] },
      // No `groups` key: the answer's Groups map says which.
      { username: 'bob@acme.example', fullname: undefined, disabled: true, admin: false, invited: false, groups: ['Finance'] },
      { username: 'cat@acme.example', fullname: undefined, disabled: false, admin: false, invited: true, groups: [] },
      { username: 'dan@acme.example', fullname: undefined, disabled: false, admin: false, invited: true, groups: undefined },
    ]);
  });

  it('refuses a listing with fewer users than LastPass counts, rather than call the rest missing', async () => {
    server.script(
      { body: { total: 3, count: 1, Users: { '1': user('ann@acme.example') }, Groups: [] } },
      { body: { total: 3, count: 0, Users: [], Groups: [] } },
    );
    const { client } = testClient(server.url);
    const listing = new LastPassDirectoryAdapter(client).listUsers();
    await expect(listing).rejects.toBeInstanceOf(LastPassRejectedError);
    await expect(listing).rejects.toThrow('LastPass reports 3 users but lpprov read only 1');
    await client.close();
  });
});
