import { describe, expectTypeOf, it } from 'vitest';

import type { StoreFilter as DbStoreFilter } from '../../../src/db/scim-store-filter.ts';
import type { StoreFilter as ScimStoreFilter } from '../../../src/scim/filter/store-filter.ts';

// The SCIM adapter builds filters the repositories compile; the layers declare the shape each on
// their side (they may not import each other), so this keeps the two declarations identical.
describe('StoreFilter', () => {
  it('is the same type in src/scim and src/db', () => {
    expectTypeOf<ScimStoreFilter>().toEqualTypeOf<DbStoreFilter>();
  });
});
