import { MAX_RESULTS } from './list-params.ts';
import {
  DESCRIBED_SCHEMAS,
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  RESOURCE_TYPE_SCHEMA,
  SERVICE_PROVIDER_CONFIG_SCHEMA,
  USER_SCHEMA,
} from './scim-schemas.ts';

/**
 * The discovery documents (RFC 7644 §4), saying what lpprov really does: PATCH, filters (up to
 * MAX_RESULTS a page) and weak ETags are supported; sorting, bulk and password changes are not.
 */
export function serviceProviderConfig(base: string, basic: boolean): Record<string, unknown> {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: 'A static bearer token from SCIM_TOKENS, in the Authorization header (RFC 6750).',
        specUri: 'https://www.rfc-editor.org/rfc/rfc6750',
        primary: true,
      },
      ...(basic
        ? [
            {
              type: 'httpbasic',
              name: 'HTTP Basic',
              description: 'A user and password from SCIM_BASIC_CREDENTIALS (RFC 7617).',
              specUri: 'https://www.rfc-editor.org/rfc/rfc7617',
              primary: false,
            },
          ]
        : []),
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

export function resourceTypes(base: string): Record<string, unknown>[] {
  return [
    {
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'User Account',
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
      meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` },
    },
    {
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'Group',
      schema: GROUP_SCHEMA,
      meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/Group` },
    },
  ];
}

/** The schema definitions, described by scimmy (User core, Enterprise User, Group). */
export function schemaDescriptions(base: string): Record<string, unknown>[] {
  return DESCRIBED_SCHEMAS.map((definition) => JSON.parse(JSON.stringify(definition.describe(`${base}/Schemas`))) as Record<string, unknown>);
}
