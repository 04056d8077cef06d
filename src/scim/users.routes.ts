import type { Request, Response, Router } from 'express';

import { getScimUser, listScimUsers } from '../app/scim/scim-reads.ts';
import { createScimUser, deleteScimUser, replaceScimUser } from '../app/scim/scim-users.ts';
import { entityTagsOf, matchesVersion, requireIfMatch } from './conditional.ts';
import { USER_FILTER_FIELDS } from './filter/filter-fields.ts';
import { parseFilter } from './filter/filter-parser.ts';
import { resolveFilter } from './filter/filter-resolver.ts';
import { type ListParams, listParamsOf, searchParamsOf } from './list-params.ts';
import { listResponse } from './list-response.ts';
import { applyPatch } from './patch/apply-patch.ts';
import { pinned, withFreshRead } from './patch/fresh-read.ts';
import { patchOperationsOf } from './patch/patch-request.ts';
import { DEFAULT_PROJECTION, type Projection, projectionOf } from './projection.ts';
import { etagOf, resourceUrl } from './resource-meta.ts';
import { asksForAttributes, baseOf, idpOf, type ScimContext } from './scim-context.ts';
import { depsFor } from './scim-correlation.ts';
import { notFound } from './scim-http-error.ts';
import { groupRefsOfUser, groupRefsOfUsers } from './scim-lookups.ts';
import { sendEmpty, sendScim } from './scim-response.ts';
import { USER_KIND } from './scim-schemas.ts';
import { userBodyFrom, userBodyFromDocument, userDocument, userOutput } from './user-representation.ts';
import type { ScimUserRecord } from '../core/scim.ts';

/** `/Users` (RFC 7644 §3): create, read, list, replace, patch, delete, search. */
export function userRoutes(router: Router, context: ScimContext): void {
  const { deps } = context;

  const projectionFor = (req: Request): Projection => {
    const params = listParamsOf(req.query);
    return projectionOf(USER_KIND, params.attributes, params.excludedAttributes);
  };

  /** One user as served, with its groups when the projection keeps them. */
  const render = async (req: Request, record: ScimUserRecord, projection: Projection) => {
    const groups = projection.includes('groups') ? await groupRefsOfUser(deps, record.id) : undefined;
    return userOutput(record, groups, baseOf(context, req), projection);
  };

  const list = async (req: Request, res: Response, params: ListParams): Promise<void> => {
    const projection = projectionOf(USER_KIND, params.attributes, params.excludedAttributes);
    const filter = params.filter === undefined ? undefined : resolveFilter(parseFilter(params.filter), USER_FILTER_FIELDS);
    const page = await listScimUsers(deps, { filter, startIndex: params.startIndex, count: params.count });
    const groups = projection.includes('groups') && page.items.length > 0 ? await groupRefsOfUsers(deps, page.items.map((u) => u.id)) : undefined;
    const base = baseOf(context, req);
    const resources = page.items.map((record) => userOutput(record, groups?.get(record.id), base, projection));
    sendScim(res, 200, listResponse(resources, page.total, params.startIndex));
  };

  router.get('/Users', (req, res) => list(req, res, listParamsOf(req.query)));
  router.post('/Users/.search', (req, res) => list(req, res, searchParamsOf(req.body as unknown)));

  router.post('/Users', async (req, res) => {
    const body = userBodyFrom(req.body as unknown);
    const record = await createScimUser(depsFor(deps, req), idpOf(req), body);
    const location = resourceUrl(baseOf(context, req), '/Users', record.id);
    sendScim(res, 201, await render(req, record, projectionFor(req)), { Location: location, ETag: etagOf(record.version) });
  });

  router.get('/Users/:id', async (req, res) => {
    const projection = projectionFor(req);
    const record = await getScimUser(deps, req.params.id);
    if (record === undefined) throw notFound(`User ${req.params.id} not found`);
    const unchanged = entityTagsOf(req.get('if-none-match'));
    if (unchanged !== undefined && matchesVersion(unchanged, record.version)) {
      sendEmpty(res, 304, { ETag: etagOf(record.version) });
      return;
    }
    sendScim(res, 200, await render(req, record, projection), { ETag: etagOf(record.version) });
  });

  router.put('/Users/:id', async (req, res) => {
    const { id } = req.params;
    const projection = projectionFor(req);
    // Validated before anything is read: a bad body is a 400 whatever the stored user.
    const body = userBodyFrom(req.body as unknown);
    const ifMatch = entityTagsOf(req.get('if-match'));
    const record = await context.queue.run(`User:${id}`, () =>
      replaceScimUser(depsFor(deps, req), idpOf(req), id, (current) => {
        requireIfMatch(ifMatch, current.version);
        return body;
      }),
    );
    sendScim(res, 200, await render(req, record, projection), { ETag: etagOf(record.version) });
  });

  router.patch('/Users/:id', async (req, res) => {
    const { id } = req.params;
    const operations = patchOperationsOf(req.body as unknown);
    const projection = asksForAttributes(req) ? projectionFor(req) : DEFAULT_PROJECTION;
    const ifMatch = entityTagsOf(req.get('if-match'));
    const record = await context.queue.run(`User:${id}`, () =>
      withFreshRead(async () => {
        const read = await getScimUser(deps, id);
        if (read === undefined) throw notFound(`User ${id} not found`);
        requireIfMatch(ifMatch, read.version);
        const body = userBodyFromDocument(await applyPatch(USER_KIND, userDocument(read), operations));
        return replaceScimUser(depsFor(deps, req), idpOf(req), id, (current) => pinned(current, read.version, body));
      }),
    );
    // 204 unless attributes were asked for (RFC 7644 §3.5.2); Microsoft's reference tests expect 204.
    if (asksForAttributes(req)) sendScim(res, 200, await render(req, record, projection), { ETag: etagOf(record.version) });
    else sendEmpty(res, 204, { ETag: etagOf(record.version) });
  });

  router.delete('/Users/:id', async (req, res) => {
    const { id } = req.params;
    const ifMatch = entityTagsOf(req.get('if-match'));
    await context.queue.run(`User:${id}`, async () => {
      if (ifMatch !== undefined) {
        const current = await getScimUser(deps, id);
        if (current === undefined) throw notFound(`User ${id} not found`);
        requireIfMatch(ifMatch, current.version);
      }
      await deleteScimUser(depsFor(deps, req), idpOf(req), id);
    });
    sendEmpty(res, 204);
  });
}
