import { expect } from 'vitest';

import { describeAnswer, type Json, type JsonObject, type ScimAnswer, SCIM_SCHEMAS } from './scim-http.ts';

/** Assertions on SCIM answers that several replays share (RFC 7644 shapes). */

/** The status, with the whole exchange in the failure message. */
export function expectStatus(answer: ScimAnswer, ...statuses: number[]): void {
  expect(statuses, describeAnswer(answer)).toContain(answer.status);
}

/** A SCIM error body (RFC 7644 §3.12): the Error schema, `status` as a string, a detail. */
export function expectScimError(answer: ScimAnswer, status: number, scimType?: string): void {
  expectStatus(answer, status);
  expect(answer.body?.schemas, describeAnswer(answer)).toContain(SCIM_SCHEMAS.error);
  expect(answer.body?.status, describeAnswer(answer)).toBe(String(status));
  expect(typeof answer.body?.detail === 'string' && answer.body.detail !== '', `a detail in ${describeAnswer(answer)}`).toBe(true);
  if (scimType !== undefined) expect(answer.body?.scimType, describeAnswer(answer)).toBe(scimType);
}

/** A ListResponse with integer counts (Okta requires integers; itemsPerPage is the page's size). */
export function expectListResponse(answer: ScimAnswer, totalResults: number, itemsPerPage = totalResults): JsonObject[] {
  expectStatus(answer, 200);
  const body = answer.body ?? {};
  expect(body.schemas, describeAnswer(answer)).toContain(SCIM_SCHEMAS.listResponse);
  expect(body.totalResults, `totalResults in ${describeAnswer(answer)}`).toBe(totalResults);
  expect(body.itemsPerPage, `itemsPerPage in ${describeAnswer(answer)}`).toBe(itemsPerPage);
  expect(Number.isInteger(body.startIndex), `integer startIndex in ${describeAnswer(answer)}`).toBe(true);
  const resources = body.Resources ?? [];
  expect(Array.isArray(resources), describeAnswer(answer)).toBe(true);
  expect((resources as unknown[]).length, `Resources in ${describeAnswer(answer)}`).toBe(itemsPerPage);
  return resources as JsonObject[];
}

/** 201 with the resource, its id, and a Location header naming it (RFC 7644 §3.3). */
export function expectCreated(answer: ScimAnswer, collection: 'Users' | 'Groups'): JsonObject {
  expectStatus(answer, 201);
  const body = answer.body ?? {};
  expect(typeof body.id === 'string' && body.id !== '', `an id in ${describeAnswer(answer)}`).toBe(true);
  const location = answer.headers.get('location');
  expect(location, `a Location header in ${describeAnswer(answer)}`).toMatch(new RegExp(`/${collection}/${JSON.stringify(body.id).slice(1, -1)}$`));
  return body;
}

/** A PATCH answer: 200 with the resource, or 204 with nothing (RFC 7644 §3.5.2). */
export function expectPatched(answer: ScimAnswer): JsonObject | undefined {
  expectStatus(answer, 200, 204);
  if (answer.status === 204) {
    expect(answer.text, describeAnswer(answer)).toBe('');
    return undefined;
  }
  return answer.body;
}

/** Member ids of a group resource, sorted. */
export function memberIds(group: JsonObject | undefined): string[] {
  const members = group?.members;
  return Array.isArray(members) ? members.map((m) => textOf((m as JsonObject).value)).sort() : [];
}

/** Group ids in a user's read-only `groups` attribute, sorted. */
export function groupIdsOfUser(user: JsonObject | undefined): string[] {
  const groups = user?.groups;
  return Array.isArray(groups) ? groups.map((g) => textOf((g as JsonObject).value)).sort() : [];
}

/** A string as it is; anything else as JSON, so a wrong type shows in the comparison. */
function textOf(value: Json | undefined): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
