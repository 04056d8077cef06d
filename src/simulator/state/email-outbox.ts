/** Emails LastPass would send; tests count them to catch duplicate invitations. */
export const EMAIL_KINDS = ['invitation', 'reinvitation', 'password-reset', 'email-change-confirmation'] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

export interface SentEmail {
  readonly seq: number;
  /** ISO 8601. */
  readonly time: string;
  readonly to: string;
  readonly kind: EmailKind;
}

export class EmailOutbox {
  #emails: SentEmail[] = [];

  send(to: string, kind: EmailKind, nowMs: number): void {
    this.#emails.push({ seq: this.#emails.length + 1, time: new Date(nowMs).toISOString(), to, kind });
  }

  list(filter: { readonly to?: string; readonly kind?: string } = {}): SentEmail[] {
    return this.#emails.filter(
      (email) => (filter.to === undefined || email.to === filter.to) && (filter.kind === undefined || email.kind === filter.kind),
    );
  }

  clear(): void {
    this.#emails = [];
  }
}
