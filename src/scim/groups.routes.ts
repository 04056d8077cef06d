import type { Request, Response, Router } from 'express';

import { createScimGroup, deleteScimGroup, replaceScimGroup } from '../app/scim/scim-groups.ts';
import { getScimGroup, listScimGroups } from '../app/scim/scim-reads.ts';
import { entityTagsOf, matchesVersion, requireIfMatch } from './conditional.ts';
import { GROUP_FILTER_FIELDS } from './filter/filter-fields.ts';
import { parseFilter } from './filter/filter-parser.ts';
import { resolveFilter } from './filter/filter-resolver.ts';
import { groupChangeFrom, groupChangeFromDocument, groupDocument, groupOutput, withKnownMembers } from './group-representation.ts';
import { type ListParams, listParamsOf, searchParamsOf } from './list-params.ts';
import { listResponse } from './list-response.ts';
import { applyPatch } from './patch/apply-patch.ts';
import { pinned, withFreshRead } from './patch/fresh-read.ts';
import { patchOperationsOf } from './patch/patch-request.ts';
import { DEFAULT_PROJECTION, type Projection, projectionOf } from './projection.ts';
import { etagOf, resourceUrl } from './resource-meta.ts';
import { asksForAttributes, baseOf, idpOf, type ScimContext } from './scim-context.ts';
import { depsFor, requestLogger } from './scim-correlation.ts';
import { notFound } from './scim-http-error.ts';
import { knownUserIds } from './scim-lookups.ts';
import { sendEmpty, sendScim } from './scim-response.ts';
import { GROUP_KIND } from './scim-schemas.ts';

/** `/Groups` (RFC 7644 §3): create, read, list, replace, patch, delete, search. */
export function groupRoutes(router: Router, context: ScimContext): void {
  const { deps, logger } = context;

  const projectionFor = (req: Request): Projection => {
    const params = listParamsOf(req.query);
    return projectionOf(GROUP_KIND, params.attributes, params.excludedAttributes);
  };

  const reportDropped = (req: Request, groupId: string | undefined, dropped: readonly string[]): void => {
    if (dropped.length > 0) {
      requestLogger(logger, req).warn({ groupId, unknownMembers: dropped.slice(0, 20), count: dropped.length }, 'SCIM group members that are not known users were ignored');
    }
  };

  const list = async (req: Request, res: Response, params: ListParams): Promise<void> => {
    const projection = projectionOf(GROUP_KIND, params.attributes, params.excludedAttributes);
    const filter = params.filter === undefined ? undefined : resolveFilter(parseFilter(params.filter), GROUP_FILTER_FIELDS);
    const page = await listScimGroups(deps, { filter, startIndex: params.startIndex, count: params.count });
    const base = baseOf(context, req);
    sendScim(res, 200, listResponse(page.items.map((record) => groupOutput(record, base, projection)), page.total, params.startIndex));
  };

  router.get('/Groups', (req, res) => list(req, res, listParamsOf(req.query)));
  router.post('/Groups/.search', (req, res) => list(req, res, searchParamsOf(req.body as unknown)));

  router.post('/Groups', async (req, res) => {
    const change = groupChangeFrom(req.body as unknown);
    const known = await knownUserIds(deps, change.members.map((m) => m.value));
    const { body, memberIds, dropped } = withKnownMembers(change, (id) => known.has(id));
    const record = await createScimGroup(depsFor(deps, req), idpOf(req), body, memberIds);
    reportDropped(req, record.id, dropped);
    const location = resourceUrl(baseOf(context, req), '/Groups', record.id);
    sendScim(res, 201, groupOutput(record, baseOf(context, req), projectionFor(req)), { Location: location, ETag: etagOf(record.version) });
  });

  router.get('/Groups/:id', async (req, res) => {
    const projection = projectionFor(req);
    const record = await getScimGroup(deps, req.params.id);
    if (record === undefined) throw notFound(`Group ${req.params.id} not found`);
    const unchanged = entityTagsOf(req.get('if-none-match'));
    if (unchanged !== undefined && matchesVersion(unchanged, record.version)) {
      sendEmpty(res, 304, { ETag: etagOf(record.version) });
      return;
    }
    sendScim(res, 200, groupOutput(record, baseOf(context, req), projection), { ETag: etagOf(record.version) });
  });

  router.put('/Groups/:id', async (req, res) => {
    const { id } = req.params;
    const projection = projectionFor(req);
    const change = groupChangeFrom(req.body as unknown);
    const known = await knownUserIds(deps, change.members.map((m) => m.value));
    const ifMatch = entityTagsOf(req.get('if-match'));
    const { record } = await context.queue.run(`Group:${id}`, () =>
      replaceScimGroup(depsFor(deps, req), idpOf(req), id, (current) => {
        requireIfMatch(ifMatch, current.version);
        const { body, memberIds } = withKnownMembers(change, (member) => known.has(member) || current.memberIds.includes(member));
        return { body, memberIds };
      }),
    );
    reportDropped(req, id, change.members.map((m) => m.value).filter((member) => !record.memberIds.includes(member)));
    sendScim(res, 200, groupOutput(record, baseOf(context, req), projection), { ETag: etagOf(record.version) });
  });

  router.patch('/Groups/:id', async (req, res) => {
    const { id } = req.params;
    const operations = patchOperationsOf(req.body as unknown);
    const projection = asksForAttributes(req) ? projectionFor(req) : DEFAULT_PROJECTION;
    const ifMatch = entityTagsOf(req.get('if-match'));
    const { record, dropped } = await context.queue.run(`Group:${id}`, () =>
      withFreshRead(async () => {
        const read = await getScimGroup(deps, id);
        if (read === undefined) throw notFound(`Group ${id} not found`);
        requireIfMatch(ifMatch, read.version);
        const change = groupChangeFromDocument(await applyPatch(GROUP_KIND, groupDocument(read), operations));
        const added = change.members.map((m) => m.value).filter((member) => !read.memberIds.includes(member));
        const known = await knownUserIds(deps, added);
        const result = withKnownMembers(change, (member) => known.has(member) || read.memberIds.includes(member));
        const written = await replaceScimGroup(depsFor(deps, req), idpOf(req), id, (current) =>
          pinned(current, read.version, { body: result.body, memberIds: result.memberIds }),
        );
        return { record: written.record, dropped: result.dropped };
      }),
    );
    reportDropped(req, id, dropped);
    // Entra asks for 204 without the member list; 200 with the group only when attributes were asked for.
    if (asksForAttributes(req)) sendScim(res, 200, groupOutput(record, baseOf(context, req), projection), { ETag: etagOf(record.version) });
    else sendEmpty(res, 204, { ETag: etagOf(record.version) });
  });

  router.delete('/Groups/:id', async (req, res) => {
    const { id } = req.params;
    const ifMatch = entityTagsOf(req.get('if-match'));
    await context.queue.run(`Group:${id}`, async () => {
      if (ifMatch !== undefined) {
        const current = await getScimGroup(deps, id);
        if (current === undefined) throw notFound(`Group ${id} not found`);
        requireIfMatch(ifMatch, current.version);
      }
      await deleteScimGroup(depsFor(deps, req), idpOf(req), id);
    });
    sendEmpty(res, 204);
  });
}
