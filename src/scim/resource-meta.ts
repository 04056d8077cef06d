/** Where a resource lives and which version it is: `meta`, `Location` and `ETag`. */

export function resourceUrl(base: string, endpoint: '/Users' | '/Groups', id: string): string {
  return `${base}${endpoint}/${encodeURIComponent(id)}`;
}

/** The weak entity tag of a version (RFC 7644 §3.14), also `meta.version`. */
export function etagOf(version: number): string {
  return `W/"${version}"`;
}

export interface MetaSource {
  readonly id: string;
  readonly created: number;
  readonly lastModified: number;
  readonly version: number;
}

export function metaOf(resourceType: 'User' | 'Group', record: MetaSource, location: string): Record<string, string> {
  return {
    resourceType,
    created: new Date(record.created).toISOString(),
    lastModified: new Date(record.lastModified).toISOString(),
    version: etagOf(record.version),
    location,
  };
}
