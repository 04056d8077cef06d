import type { IdpKind } from '../core/scim.ts';

/**
 * Which identity provider sent a request, from its User-Agent: Okta's provisioning agent says
 * `Okta SCIM Client 1.0.0`; Entra ID's provisioning service names Microsoft or Azure AD. Entra's
 * tenant URL flag (`aadOptscim062020`) in the query string also gives it away. Anything else is a
 * generic SCIM client.
 */
export function idpKindOf(userAgent: string | undefined, query: string | undefined = undefined): IdpKind {
  const agent = userAgent ?? '';
  if (/\bokta\b/i.test(agent)) return 'okta';
  if (/azure|microsoft|entra|\baad\b/i.test(agent) || /aadOptscim/i.test(query ?? '')) return 'entra';
  return 'scim';
}
