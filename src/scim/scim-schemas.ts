import SCIMMY from 'scimmy';

/**
 * The SCIM schemas lpprov serves, from scimmy: User with the Enterprise User extension (declared
 * not required: Okta's POST lists only the core schema, and a required extension would make
 * scimmy refuse it), and Group. scimmy keeps schema definitions as static state, so the extension
 * is attached once, here, at import.
 */

export const USER_SCHEMA = SCIMMY.Schemas.User.id;
export const GROUP_SCHEMA = SCIMMY.Schemas.Group.id;
export const ENTERPRISE_USER_SCHEMA = SCIMMY.Schemas.EnterpriseUser.id;
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const PATCH_OP_SCHEMA = SCIMMY.Messages.PatchOp.id;
export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const SERVICE_PROVIDER_CONFIG_SCHEMA = SCIMMY.Schemas.ServiceProviderConfig.id;
export const RESOURCE_TYPE_SCHEMA = SCIMMY.Schemas.ResourceType.id;

// Idempotent: scimmy skips an extension the definition already has.
SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false);

export type SchemaDefinition = SCIMMY.Types.SchemaDefinition;
export type Attribute = SCIMMY.Types.Attribute;

/** The resource types lpprov serves, with what the adapter needs to know of each. */
export interface ResourceKind {
  readonly name: 'User' | 'Group';
  readonly endpoint: '/Users' | '/Groups';
  readonly schema: string;
  /** Schema URNs a resource of this type may list in `schemas`. */
  readonly schemaIds: readonly string[];
  readonly definition: SchemaDefinition;
  /** A scimmy schema instance of this type (what PatchOp patches). */
  readonly instance: (data: Record<string, unknown>) => SCIMMY.Types.Schema;
}

export const USER_KIND: ResourceKind = {
  name: 'User',
  endpoint: '/Users',
  schema: USER_SCHEMA,
  schemaIds: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
  definition: SCIMMY.Schemas.User.definition,
  instance: (data) => new SCIMMY.Schemas.User(data, 'out'),
};

export const GROUP_KIND: ResourceKind = {
  name: 'Group',
  endpoint: '/Groups',
  schema: GROUP_SCHEMA,
  schemaIds: [GROUP_SCHEMA],
  definition: SCIMMY.Schemas.Group.definition,
  instance: (data) => new SCIMMY.Schemas.Group(data, 'out'),
};

/** The schema definitions `/Schemas` describes. */
export const DESCRIBED_SCHEMAS: readonly SchemaDefinition[] = [
  SCIMMY.Schemas.User.definition,
  SCIMMY.Schemas.EnterpriseUser.definition,
  SCIMMY.Schemas.Group.definition,
];

/** Attributes (not extensions) of a definition, or the sub-attributes of a complex attribute. */
export function attributesOf(owner: SchemaDefinition | Attribute): readonly Attribute[] {
  if (owner instanceof SCIMMY.Types.SchemaDefinition) return membersOf(owner).filter(isAttribute);
  return owner.subAttributes ?? [];
}

/** Extension schemas attached to a definition. */
export function extensionsOf(definition: SchemaDefinition): readonly SchemaDefinition[] {
  return membersOf(definition).filter((a): a is SchemaDefinition => a instanceof SCIMMY.Types.SchemaDefinition);
}

// scimmy types `attributes` as Attribute[], but a definition's list also holds its extensions.
function membersOf(definition: SchemaDefinition): readonly unknown[] {
  return definition.attributes;
}

/** The attribute or extension at `path` (dotted or URN-qualified), or undefined. */
export function lookup(definition: SchemaDefinition, path: string): Attribute | SchemaDefinition | undefined {
  try {
    return definition.attribute<Attribute | SchemaDefinition>(path);
  } catch {
    return undefined;
  }
}

export function isAttribute(value: unknown): value is Attribute {
  return value instanceof SCIMMY.Types.Attribute;
}

/** Read-only attributes (id, meta, User.groups): ignored on input, never refused (RFC 7643 §2.2). */
export function isReadOnly(attribute: Attribute | SchemaDefinition | undefined): boolean {
  return isAttribute(attribute) && attribute.config.mutable === false;
}
