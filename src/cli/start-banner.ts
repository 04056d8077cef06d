import type { Config } from '../config/config.ts';
import type { RunningLpprov } from '../main.ts';
import { describeDatabase } from './outbox/database-target.ts';

/**
 * What an operator needs in the first minute, written to stderr once at start (the logs on stdout
 * stay JSON). The generated SCIM token appears here and nowhere else: it is not logged and only
 * its digest is stored, so this is the one chance to copy it.
 */
export function formatStartBanner(config: Config, running: RunningLpprov): string {
  const rows: [string, string][] = [
    ['HTTP', `${running.httpUrl}  (listening on ${running.listening}${EVERY_INTERFACE.test(running.listening) ? ': every interface' : ''}; HOST)`],
    ['SCIM base URL', running.scimUrl],
    ['SCIM token', scimTokenLine(running)],
    ['HR webhook', `${running.httpUrl}/hr/events${config.hrWebhookTokens.length === 0 ? '  (HR_WEBHOOK_TOKENS unset: every request is refused)' : ''}`],
    ['Kafka', config.kafka === undefined ? 'off (set KAFKA_BROKERS to consume HR events)' : `${config.kafka.brokers.join(',')} topic ${config.kafka.topic}, group ${config.kafka.groupId}`],
    ['Database', describeDatabase(config.database)],
    ['LastPass', running.simulated ? `SIMULATION MODE: in-process simulator at ${running.lastpassUrl}` : running.lastpassUrl],
    ['Groups', groupsLine(running)],
    ['Health', `${running.httpUrl}/healthz  ${running.httpUrl}/readyz  ${running.httpUrl}/metrics`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = ['', 'lpprov is running', ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)];
  if (running.simulated) {
    lines.push(
      '',
      '  SIMULATION MODE: nothing is sent to LastPass. Commands go to a simulator that lives in this',
      `  process and forgets everything when it stops; see what it holds at ${simulatorBase(running.lastpassUrl)}/_simulator/state`,
      '  Set LASTPASS_CID and LASTPASS_PROVHASH to provision a real LastPass account.',
    );
  }
  if (running.newScimToken !== undefined) {
    lines.push(
      '',
      '  The SCIM token above was generated now and is shown ONLY THIS ONCE (lpprov keeps just its',
      '  SHA-256 digest). Store it in your identity provider. Lost it? Run: lpprov scim-token rotate',
    );
  }
  return `${lines.join('\n')}\n\n`;
}

const EVERY_INTERFACE = /^(0\.0\.0\.0|\[::\]):/;

function groupsLine({ groups }: RunningLpprov): string {
  switch (groups.authority) {
    case 'idp':
      return groups.rules === 0
        ? 'from the identity provider: groups pushed over SCIM become LastPass groups (the policy has no group rules)'
        : 'from the identity provider: groups pushed over SCIM become LastPass groups (policy authority.groups: idp)';
    case 'rules':
      return `from the policy's ${groups.rules} group rule${groups.rules === 1 ? '' : 's'}; groups pushed over SCIM are not used (authority.groups: rules)`;
    case 'none':
      return 'lpprov manages no groups (policy authority.groups: none)';
  }
}

function scimTokenLine(running: RunningLpprov): string {
  if (running.scimAuth === 'configured') return 'from SCIM_TOKENS';
  if (running.newScimToken !== undefined) return running.newScimToken;
  return 'generated on first start (shown then); replace it with: lpprov scim-token rotate';
}

function simulatorBase(endpoint: string): string {
  return endpoint.replace(/\/enterpriseapi\.php$/, '');
}
