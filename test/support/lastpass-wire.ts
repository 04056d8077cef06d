/**
 * Asks a LastPass endpoint (the simulator) directly, without lpprov's client, so tests check
 * LastPass state independently of the code under test.
 */
export async function rawLastPassCall(
  endpoint: string,
  credentials: { cid: string; provhash: string },
  cmd: string,
  data?: unknown,
): Promise<unknown> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ cid: credentials.cid, provhash: credentials.provhash, cmd, data }),
  });
  return JSON.parse(await response.text()) as unknown;
}

/** Usernames `getuserdata` lists (its `Users` map, which is `[]` when empty). */
export async function listedUsernames(endpoint: string, credentials: { cid: string; provhash: string }): Promise<string[]> {
  const answer = (await rawLastPassCall(endpoint, credentials, 'getuserdata', {})) as { Users?: unknown };
  const users = answer.Users;
  if (users === undefined || Array.isArray(users)) return [];
  return Object.values(users as Record<string, { username: string }>).map((u) => u.username);
}
