import { readFile } from 'node:fs/promises';

import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import {
  type Condition,
  DEFAULT_LEAVER,
  DEFAULT_POLICY,
  isManagedGroup,
  type LeaverPolicy,
  type Policy,
} from '../core/policy/policy.ts';
import { ConfigError } from './config-error.ts';
import { parseIsoDuration } from './iso-duration.ts';

const duration = z.string().refine((v) => parseIsoDuration(v) !== undefined, 'must be an ISO 8601 duration such as P30D or PT12H');
const scalar = z.union([z.string(), z.number(), z.boolean()]);

const condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ always: z.literal(true) }).strict(),
    z.object({ path: z.string().min(1), equals: z.union([scalar, z.null()]) }).strict(),
    z.object({ path: z.string().min(1), in: z.array(scalar).min(1) }).strict(),
    z.object({ path: z.string().min(1), exists: z.boolean() }).strict(),
    z
      .object({
        path: z.string().min(1),
        matches: z.string().refine((source) => {
          try {
            new RegExp(source, 'i');
            return true;
          } catch {
            return false;
          }
        }, 'must be a valid regular expression'),
      })
      .strict(),
    z.object({ all: z.array(condition).min(1) }).strict(),
    z.object({ any: z.array(condition).min(1) }).strict(),
    z.object({ not: condition }).strict(),
  ]),
);

const leaverAction = z.enum(['deactivate', 'remove', 'delete']);

const leaver = z
  .object({
    on_effective: leaverAction.optional(),
    on_immediate: leaverAction.optional(),
    after_grace: z.union([z.object({ after: duration, action: z.enum(['remove', 'delete']) }).strict(), z.literal('never')]).optional(),
    disable_multifactor: z.boolean().optional(),
    require_master_password_change: z.boolean().optional(),
  })
  .strict();

const policySchema = z
  .object({
    managed_groups: z.object({ prefix: z.string().min(1).optional(), names: z.array(z.string().min(1)).optional() }).strict().optional(),
    populations: z
      .array(
        z
          .object({
            name: z.string().min(1),
            when: condition,
            manage: z.boolean().optional(),
            privileged: z.boolean().optional(),
            leaver: leaver.optional(),
          })
          .strict(),
      )
      .optional(),
    defaults: z.object({ leaver: leaver.optional() }).strict().optional(),
    group_rules: z.array(z.object({ when: condition, groups: z.array(z.string().min(1)).min(1) }).strict()).optional(),
    joiner: z
      .object({
        invite: z.union([z.literal('at_start'), duration]).optional(),
        default_password: z.boolean().optional(),
        password_reset_required: z.boolean().optional(),
      })
      .strict()
      .optional(),
    legal_hold: z.object({ person_ids: z.array(z.string().min(1)).optional() }).strict().optional(),
    security: z.object({ on_privileged_move: z.object({ require_master_password_change: z.boolean().optional() }).strict().optional() }).strict().optional(),
    authority: z
      .object({ lifecycle: z.enum(['hris', 'idp']).optional(), groups: z.enum(['rules', 'idp', 'none']).optional() })
      .strict()
      .optional(),
  })
  .strict();

type LeaverInput = z.infer<typeof leaver>;

function leaverPolicy(input: LeaverInput | undefined, base: LeaverPolicy): LeaverPolicy {
  if (input === undefined) return base;
  const grace = input.after_grace;
  return {
    onEffective: input.on_effective ?? base.onEffective,
    onImmediate: input.on_immediate ?? base.onImmediate,
    afterGrace:
      grace === undefined
        ? base.afterGrace
        : grace === 'never'
          ? undefined
          : { afterMs: parseIsoDuration(grace.after) ?? 0, action: grace.action },
    disableMultifactor: input.disable_multifactor ?? base.disableMultifactor,
    requireMasterPasswordChange: input.require_master_password_change ?? base.requireMasterPasswordChange,
  };
}

/** Validates a decoded policy document; every problem is listed in one ConfigError. */
export function parsePolicy(document: unknown, origin = 'policy'): Policy {
  const parsed = policySchema.safeParse(document ?? {});
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${origin}: ${i.path.join('.') || '(document)'}: ${i.message}`));
  }
  const p = parsed.data;
  const defaultLeaver = leaverPolicy(p.defaults?.leaver, DEFAULT_LEAVER);
  const policy: Policy = {
    populations: (p.populations ?? []).map((population) => ({
      name: population.name,
      when: population.when,
      manage: population.manage ?? true,
      privileged: population.privileged ?? false,
      leaver: leaverPolicy(population.leaver, defaultLeaver),
    })),
    defaultPopulation: { ...DEFAULT_POLICY.defaultPopulation, leaver: defaultLeaver },
    groupRules: (p.group_rules ?? []).map((rule) => ({ when: rule.when, groups: rule.groups })),
    managedGroups: { prefix: p.managed_groups?.prefix, names: p.managed_groups?.names ?? [] },
    joiner: {
      inviteOffsetMs: p.joiner?.invite === undefined || p.joiner.invite === 'at_start' ? 0 : (parseIsoDuration(p.joiner.invite) ?? 0),
      defaultPassword: p.joiner?.default_password ?? DEFAULT_POLICY.joiner.defaultPassword,
      passwordResetRequired: p.joiner?.password_reset_required ?? DEFAULT_POLICY.joiner.passwordResetRequired,
    },
    legalHoldPersonIds: p.legal_hold?.person_ids ?? [],
    security: {
      requireMasterPasswordChangeOnPrivilegedMove: p.security?.on_privileged_move?.require_master_password_change ?? false,
    },
    // Without group rules, the rules would give nobody a group: the groups an IdP pushes count.
    authority: { lifecycle: p.authority?.lifecycle ?? 'hris', groups: p.authority?.groups ?? ((p.group_rules ?? []).length > 0 ? 'rules' : 'idp') },
  };

  const problems: string[] = [];
  const names = new Set<string>();
  for (const [i, population] of policy.populations.entries()) {
    if (names.has(population.name)) problems.push(`${origin}: populations.${i}.name: "${population.name}" is used twice`);
    names.add(population.name);
  }
  for (const [i, rule] of policy.groupRules.entries()) {
    for (const group of rule.groups) {
      if (!isManagedGroup(policy, group)) {
        problems.push(
          `${origin}: group_rules.${i}.groups: "${group}" is not a managed group (managed_groups), so lpprov could add it but never remove it`,
        );
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return policy;
}

/** Reads POLICY_FILE (YAML or JSON; YAML is a superset) or gives the defaults when unset. */
export async function loadPolicy(path: string | undefined): Promise<Policy> {
  if (path === undefined) return DEFAULT_POLICY;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`POLICY_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let document: unknown;
  try {
    document = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new ConfigError([`POLICY_FILE: ${path} is not valid YAML or JSON: ${(error as Error).message.split('\n')[0] ?? ''}`]);
  }
  return parsePolicy(document, path);
}
