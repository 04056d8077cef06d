import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

import express from 'express';

import type { ScimDeps } from '../../app/scim/scim-deps.ts';
import { Secret } from '../../core/secret.ts';
import type { Logger } from '../../observability/logger.ts';
import { SCIM_MOUNT_PATH, scimRouter } from '../../scim/scim.router.ts';
import { resourcePath, type ScimRequest } from './scim-request.ts';

/** What the SCIM endpoint answered. */
export interface ScimAnswer {
  readonly status: number;
  /** The JSON body; undefined for an empty one (204). */
  readonly body: unknown;
}

export interface ScimLoopback {
  send(request: ScimRequest): Promise<ScimAnswer>;
  close(): Promise<void>;
}

// What each IdP's provisioning client sends as User-Agent, as far as src/scim/idp-kind.ts tells them apart.
const USER_AGENTS: Record<ScimRequest['idp'], string> = {
  okta: 'Okta SCIM Client 1.0.0 (lpprov plan)',
  entra: 'Microsoft Entra ID SCIM client (lpprov plan)',
  scim: 'lpprov plan',
};

/**
 * lpprov's real SCIM endpoint (the same router `lpprov start` mounts, with its authentication,
 * validation, IdP handling and PATCH) on 127.0.0.1 at a free port, behind a token made for this
 * run only, so a SCIM request file goes through exactly what Okta's or Entra's requests go through.
 */
export async function startScimLoopback(deps: ScimDeps, logger: Logger): Promise<ScimLoopback> {
  const token = randomBytes(24).toString('base64url');
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(SCIM_MOUNT_PATH, scimRouter({ deps, tokens: [new Secret(token)], logger }));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}${SCIM_MOUNT_PATH}`;

  return {
    async send(request) {
      const response = await fetch(`${root}${resourcePath(request.path)}`, {
        method: request.method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/scim+json',
          accept: 'application/scim+json',
          'user-agent': USER_AGENTS[request.idp],
        },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      });
      const text = await response.text();
      return { status: response.status, body: parseJson(text) };
    },
    close() {
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
