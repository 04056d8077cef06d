import { ENTERPRISE_USER, scimPersonId } from '../../../src/core/events/scim-user-event.ts';
import type { LifecycleRig } from '../lifecycle-rig.ts';
import type { AcceptedEvent } from './reference-model.ts';
import type { Department, HrChange, ScimChange } from './operations.ts';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

interface OktaUser {
  readonly id: string;
  active: boolean;
  department: Department;
  address: number;
}

/**
 * A small Okta for the SCIM person: keeps the user as Okta has it and sends each change as Okta
 * does (the whole user on PUT, group pushes as group membership). Requests Okta would not send
 * (a PUT before the create, a second create, anything after the delete) are not sent.
 */
export class Okta {
  readonly #run: string;
  readonly #rig: LifecycleRig;
  #user: OktaUser | undefined;
  #deleted = false;
  #groupIds: string[] = [];
  #members: number[] = [];

  constructor(rig: LifecycleRig, run: string) {
    this.#rig = rig;
    this.#run = run;
  }

  /** The pushed groups' names: managed by the test's policy (prefix `hr-`), unique per run. */
  groupName(index: number): string {
    return `hr-push${index}-${this.#run}`.toLowerCase();
  }

  email(address: number): string {
    return `s${this.#run}-a${address}@acme.example`.toLowerCase();
  }

  addresses(): string[] {
    return [0, 1, 2].map((a) => this.email(a));
  }

  /** lpprov's person id for the SCIM user, once created. */
  personIds(): string[] {
    return this.#user === undefined ? [] : [scimPersonId(this.#user)];
  }

  /** The groups Okta pushes the user into now. */
  pushedGroups(): string[] {
    return this.#members.map((g) => this.groupName(g)).sort();
  }

  /**
   * Sends the change; answers what lpprov should take from it, for the reference model, or
   * undefined when Okta would send nothing.
   */
  async send(change: ScimChange, now: number): Promise<AcceptedEvent | undefined> {
    if (this.#deleted) return undefined;
    const user = this.#user;
    if (change.type === 'create') {
      if (user !== undefined) return undefined;
      const created = await this.#rig.scim.createUser(this.#body({ active: true, department: change.department, address: change.address }));
      this.#user = { id: created.id, active: true, department: change.department, address: change.address };
      if (this.#groupIds.length === 0) {
        for (const g of [0, 1]) {
          const group = await this.#rig.scim.createGroup({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: this.groupName(g) }, []);
          this.#groupIds.push(group.id);
        }
      }
      return this.#accepted({ type: 'joined', startInDays: 0, department: change.department }, now);
    }
    if (user === undefined) return undefined;
    switch (change.type) {
      case 'delete':
        await this.#rig.scim.deleteUser(user.id);
        this.#deleted = true;
        this.#members = [];
        return this.#accepted({ type: 'left', inDays: 0, immediate: true }, now, true);
      case 'groups': {
        const members = [...change.groups].sort();
        for (const g of [0, 1]) {
          const was = this.#members.includes(g);
          const is = members.includes(g);
          if (was !== is) await this.#rig.scim.setMembers(this.#groupIds[g] as string, is ? [user.id] : []);
        }
        if (members.join() === this.#members.join()) return undefined;
        this.#members = members;
        return this.#accepted({ type: 'moved', department: user.department }, now);
      }
      case 'active': {
        if (change.active === user.active) return undefined;
        user.active = change.active;
        await this.#put(user, !change.active && change.dropEmail);
        return this.#accepted(change.active ? { type: 'rehired', department: user.department } : { type: 'left', inDays: 0, immediate: true }, now);
      }
      case 'department':
        if (change.department === user.department) return undefined;
        user.department = change.department;
        await this.#put(user);
        return this.#accepted({ type: 'moved', department: user.department }, now);
      case 'email':
        if (change.address === user.address) return undefined;
        user.address = change.address;
        await this.#put(user);
        return this.#accepted({ type: 'email', address: change.address }, now);
    }
  }

  async #put(user: OktaUser, withoutEmail = false): Promise<void> {
    const body = this.#body(user);
    if (withoutEmail) {
      delete body.emails;
      body.userName = `sam-${this.#run}`;
    }
    await this.#rig.scim.replaceUser(user.id, () => body);
  }

  #accepted(change: HrChange, now: number, deleted = false): AcceptedEvent {
    const user = this.#user as OktaUser;
    return {
      change,
      email: this.email(user.address),
      department: user.department,
      terminated: deleted || !user.active,
      legalHold: false,
      effectiveAt: now,
    };
  }

  #body(user: Pick<OktaUser, 'active' | 'department' | 'address'>): Record<string, unknown> {
    const email = this.email(user.address);
    return {
      schemas: [CORE_USER, ENTERPRISE_USER],
      userName: email,
      name: { givenName: 'Sam', familyName: 'Okta' },
      displayName: 'Sam Okta',
      emails: [{ value: email, type: 'work', primary: true }],
      active: user.active,
      [ENTERPRISE_USER]: { department: user.department },
    };
  }
}
