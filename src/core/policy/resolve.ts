import { matches } from './condition.ts';
import { isManagedGroup, type Policy, type Population } from './policy.ts';

/** The population a worker belongs to: the first whose condition matches, else the default one. */
export function populationOf(policy: Policy, data: unknown): Population {
  return policy.populations.find((p) => matches(p.when, data)) ?? policy.defaultPopulation;
}

/** The managed groups the rules give a worker: the union of every matching rule, sorted. */
export function groupsOf(policy: Policy, data: unknown): string[] {
  const groups = new Set<string>();
  for (const rule of policy.groupRules) {
    if (!matches(rule.when, data)) continue;
    for (const group of rule.groups) if (isManagedGroup(policy, group)) groups.add(group);
  }
  return [...groups].sort();
}
