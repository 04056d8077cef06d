import type { Router } from 'express';

import { resourceTypes, schemaDescriptions, serviceProviderConfig } from './discovery.ts';
import { listResponse } from './list-response.ts';
import { baseOf, type ScimContext } from './scim-context.ts';
import { notFound } from './scim-http-error.ts';
import { sendScim } from './scim-response.ts';

/**
 * `/ServiceProviderConfig`, `/ResourceTypes`, `/Schemas` (RFC 7644 §4), and `/serviceConfiguration`:
 * the path Microsoft's SCIM reference server and its Postman collection use for the service
 * provider configuration, served as an alias of the standard one (docs/scim.md).
 */
export function discoveryRoutes(router: Router, context: ScimContext): void {
  for (const path of ['/ServiceProviderConfig', '/serviceConfiguration']) {
    router.get(path, (req, res) => {
      sendScim(res, 200, serviceProviderConfig(baseOf(context, req), context.basic));
    });
  }

  router.get('/ResourceTypes', (req, res) => {
    const types = resourceTypes(baseOf(context, req));
    sendScim(res, 200, listResponse(types, types.length, 1));
  });
  router.get('/ResourceTypes/:name', (req, res) => {
    const type = resourceTypes(baseOf(context, req)).find((t) => String(t.id).toLowerCase() === req.params.name.toLowerCase());
    if (type === undefined) throw notFound(`no resource type ${req.params.name}`);
    sendScim(res, 200, type);
  });

  router.get('/Schemas', (req, res) => {
    const schemas = schemaDescriptions(baseOf(context, req));
    sendScim(res, 200, listResponse(schemas, schemas.length, 1));
  });
  router.get('/Schemas/:id', (req, res) => {
    const schema = schemaDescriptions(baseOf(context, req)).find((s) => String(s.id).toLowerCase() === req.params.id.toLowerCase());
    if (schema === undefined) throw notFound(`no schema ${req.params.id}`);
    sendScim(res, 200, schema);
  });
}
