/**
 * Where a dead letter came from, by its source: an HR channel (Kafka keeps
 * `kafka:<topic>/<partition>/<offset>`, the webhook `webhook`), an identity provider
 * (`scim://<idp>/Users/<id>`, or `…/Users?userName=<name>` for a refused create), or something
 * this lpprov does not know how to replay.
 */
export type DeadLetterOrigin = 'kafka' | 'webhook' | 'scim' | 'other';

export function originOf(source: string): DeadLetterOrigin {
  if (source.startsWith('kafka:')) return 'kafka';
  if (source.startsWith('webhook')) return 'webhook';
  if (source.startsWith('scim:')) return 'scim';
  return 'other';
}

/** What an operator can do about an open dead letter from there (show and the retry refusal say it). */
export function nextStep(origin: DeadLetterOrigin, id: number): string {
  switch (origin) {
    case 'kafka':
    case 'webhook':
      return (
        `lpprov dead-letters retry ${id} --actor <name> applies it if lpprov accepts it now; ` +
        `once the producer has sent it again corrected, lpprov dead-letters discard ${id} --actor <name> --reason <text>`
      );
    case 'scim':
      return `${SCIM_RESEND}; lpprov resolves the dead letter when it takes the user (discard ${id} only if the user will not come back)`;
    case 'other':
      return `lpprov dead-letters discard ${id} --actor <name> --reason <text> once it is dealt with`;
  }
}

/** lpprov cannot replay a SCIM request: the identity provider holds the user and sends it again. */
export const SCIM_RESEND =
  'fix the user in the identity provider, which then sends it again ' +
  '(Okta: "Retry failed tasks" under Dashboard > Tasks, or push the user again; ' +
  'Entra: "Provision on demand" for the user, or "Restart provisioning")';
