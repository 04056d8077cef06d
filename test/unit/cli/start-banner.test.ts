import { describe, expect, it } from 'vitest';

import { formatStartBanner } from '../../../src/cli/start-banner.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import type { RunningLpprov } from '../../../src/main.ts';

const running = (groups: RunningLpprov['groups'], listening = '127.0.0.1:8080'): RunningLpprov => ({
  httpUrl: 'http://127.0.0.1:8080',
  listening,
  simulated: true,
  lastpassUrl: 'http://127.0.0.1:8081/enterpriseapi.php',
  scimUrl: 'http://127.0.0.1:8080/scim/v2',
  scimAuth: 'configured',
  newScimToken: undefined,
  groups,
  stop: () => Promise.resolve(),
});

const groupsLine = (banner: string): string | undefined => banner.split('\n').find((line) => line.trimStart().startsWith('Groups'));

describe('start banner', () => {
  it('says who decides LastPass groups', () => {
    const config = loadConfig({});
    expect(groupsLine(formatStartBanner(config, running({ authority: 'idp', rules: 0 })))).toMatch(
      /Groups +from the identity provider: groups pushed over SCIM become LastPass groups \(the policy has no group rules\)$/,
    );
    expect(groupsLine(formatStartBanner(config, running({ authority: 'rules', rules: 3 })))).toMatch(/from the policy's 3 group rules; groups pushed over SCIM are not used/);
    expect(groupsLine(formatStartBanner(config, running({ authority: 'none', rules: 0 })))).toMatch(/lpprov manages no groups/);
  });

  it('shows the address really bound, and says when it is every interface', () => {
    const config = loadConfig({});
    const httpLine = (banner: string): string | undefined => banner.split('\n').find((line) => line.trimStart().startsWith('HTTP'));
    expect(httpLine(formatStartBanner(config, running({ authority: 'idp', rules: 0 })))).toMatch(/http:\/\/127\.0\.0\.1:8080 +\(listening on 127\.0\.0\.1:8080; HOST\)$/);
    expect(httpLine(formatStartBanner(config, running({ authority: 'idp', rules: 0 }, '0.0.0.0:8080')))).toMatch(/\(listening on 0\.0\.0\.0:8080: every interface; HOST\)$/);
  });
});
