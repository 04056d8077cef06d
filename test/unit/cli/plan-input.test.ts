import { readFile } from 'node:fs/promises';

import { describe, expect, it } from 'vitest';

import { parsePlanningTime } from '../../../src/cli/plan.command.ts';
import { type PlanFile, type PlanInput, parsePlanFile } from '../../../src/cli/plan/plan-input.ts';
import { withBulkIds } from '../../../src/cli/plan/scim-request.ts';
import { hrEvent } from '../../fixtures/hr-events.ts';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

function inputs(file: PlanFile): readonly PlanInput[] {
  if (!file.ok) throw new Error(`expected a valid file, got: ${file.problems.join(' | ')}`);
  return file.inputs;
}

function problems(file: PlanFile): readonly string[] {
  if (file.ok) throw new Error('expected problems, the file was accepted');
  return file.problems;
}

const post = (userName: string, extra: Record<string, unknown> = {}) => ({
  method: 'POST',
  path: '/Users',
  body: { schemas: [USER_SCHEMA], userName },
  ...extra,
});

describe('parsePlanFile: HR events', () => {
  it('reads one CloudEvent object', () => {
    const event = hrEvent({ personId: 'E1', id: 'evt-1' });
    const [only, ...rest] = inputs(parsePlanFile(JSON.stringify(event, null, 2)));
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ kind: 'hr_event', where: 'the file', event: { id: 'evt-1', data: { worker: { person_id: 'E1' } } } });
  });

  it('reads a JSON array in order', () => {
    const events = [hrEvent({ id: 'a' }), hrEvent({ id: 'b', type: 'io.lpprov.hr.worker.left.v1' })];
    const read = inputs(parsePlanFile(JSON.stringify(events)));
    expect(read.map((i) => [i.where, i.kind === 'hr_event' ? i.event.id : undefined])).toEqual([
      ['item 1', 'a'],
      ['item 2', 'b'],
    ]);
  });

  it('reads JSON Lines, skipping blank lines and a byte order mark, naming items by line', () => {
    const text = `\uFEFF${JSON.stringify(hrEvent({ id: 'a' }))}\n\n${JSON.stringify(hrEvent({ id: 'b' }))}\r\n`;
    const read = inputs(parsePlanFile(text));
    expect(read.map((i) => [i.where, i.kind === 'hr_event' ? i.event.id : undefined])).toEqual([
      ['line 1', 'a'],
      ['line 3', 'b'],
    ]);
  });

  it('lists every validation problem of every invalid event, one per line, with the ingress messages', () => {
    const good = hrEvent({ id: 'ok' });
    const bad = hrEvent({ personId: 'E2', email: 'not-an-email' });
    bad.subject = 'person/someone-else';
    const worse = { ...hrEvent(), type: 'io.lpprov.hr.worker.promoted.v1' };
    const found = problems(parsePlanFile(JSON.stringify([good, bad, worse])));
    expect(found).toEqual([
      expect.stringMatching(/^item 2: data\.worker\.email\.work: /),
      'item 2: subject: must equal person/<data.worker.person_id>',
      expect.stringMatching(/^item 3: type: /),
    ]);
  });
});

describe('parsePlanFile: SCIM requests', () => {
  it('reads requests with their defaults, and lets later ones refer to an earlier POST by bulkId', () => {
    const file = [
      post('ann@acme.example', { bulkId: 'ann', idp: 'okta' }),
      { method: 'PATCH', path: '/Users/bulkId:ann', body: { Operations: [{ op: 'replace', value: { active: false } }] } },
      { method: 'DELETE', path: '/scim/v2/Users/bulkId:ann' },
    ];
    const read = inputs(parsePlanFile(JSON.stringify(file)));
    expect(read.map((i) => (i.kind === 'scim' ? [i.request.method, i.request.path, i.request.idp, i.request.bulkId] : i.kind))).toEqual([
      ['POST', '/Users', 'okta', 'ann'],
      ['PATCH', '/Users/bulkId:ann', 'scim', undefined],
      ['DELETE', '/scim/v2/Users/bulkId:ann', 'scim', undefined],
    ]);
  });

  it('takes HR events and SCIM requests in one file, each recognised by its shape', () => {
    const read = inputs(parsePlanFile([JSON.stringify(post('a@acme.example')), JSON.stringify(hrEvent())].join('\n')));
    expect(read.map((i) => i.kind)).toEqual(['scim', 'hr_event']);
  });

  it('lists every problem of every request', () => {
    const file = [
      { method: 'GET', path: '/Users' },
      { method: 'POST', path: '/Users/123', body: {} },
      { method: 'PATCH', path: '/Users' },
      { method: 'DELETE', path: '/Users/1', body: {} },
      { method: 'PUT', path: '/Widgets/1', body: {}, header: 'x' },
      { method: 'PUT', path: '/Users/1', body: {}, bulkId: 'x' },
    ];
    expect(problems(parsePlanFile(JSON.stringify(file)))).toEqual([
      expect.stringMatching(/^item 1: method: /),
      'item 2: path: POST creates a resource: the path is /Users or /Groups, without an id',
      'item 3: path: PATCH needs the resource: /Users/<id> or /Groups/<id>',
      'item 3: body: PATCH needs a body (a JSON object)',
      'item 4: body: DELETE takes no body',
      'item 5: path: must be /Users, /Users/<id>, /Groups or /Groups/<id> (relative to /scim/v2)',
      expect.stringMatching(/^item 5: request: Unrecognized key.*header/),
      'item 6: bulkId: only a POST creates something a bulkId can name',
    ]);
  });

  it('refuses a bulkId reference to no POST, to a later POST, and a bulkId used twice', () => {
    const file = [
      { method: 'PATCH', path: '/Users/bulkId:bob', body: {} },
      post('bob@acme.example', { bulkId: 'bob' }),
      post('bob2@acme.example', { bulkId: 'bob' }),
      { method: 'POST', path: '/Groups', body: { displayName: 'x', members: [{ value: 'bulkId:nobody' }] } },
    ];
    expect(problems(parsePlanFile(JSON.stringify(file)))).toEqual([
      'item 1: bulkId:bob is not the bulkId of a POST earlier in the file',
      'item 3: bulkId: "bob" is used twice',
      'item 4: bulkId:nobody is not the bulkId of a POST earlier in the file',
    ]);
  });

  it('replaces bulkId references in the path and in body values with the created ids', () => {
    const read = inputs(
      parsePlanFile(
        JSON.stringify([
          post('ann@acme.example', { bulkId: 'ann' }),
          { method: 'PATCH', path: '/Groups/g1', body: { Operations: [{ op: 'add', path: 'members', value: [{ value: 'bulkId:ann' }] }] } },
          { method: 'PUT', path: '/Users/bulkId:ann?attributes=id', body: { userName: 'bulkId:ann is kept' } },
        ]),
      ),
    );
    const ids = new Map([['ann', 'id-1']]);
    const [, patch, put] = read.map((i) => (i.kind === 'scim' ? withBulkIds(i.request, ids) : undefined));
    expect(patch?.body).toEqual({ Operations: [{ op: 'add', path: 'members', value: [{ value: 'id-1' }] }] });
    expect(put?.path).toBe('/Users/id-1?attributes=id');
    expect(put?.body).toEqual({ userName: 'bulkId:ann is kept' });
  });
});

describe('parsePlanFile: files that are neither', () => {
  it.each([
    ['', 'the file is empty'],
    ['  \n', 'the file is empty'],
    ['[]', 'the file holds no HR event and no SCIM request'],
  ])('%j: %s', (text, problem) => {
    expect(problems(parsePlanFile(text))).toEqual([problem]);
  });

  it('says a broken JSON document is not JSON, with the parser message', () => {
    const [problem, ...rest] = problems(parsePlanFile('{\n  "specversion": "1.0",\n  "id": \n}\n'));
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^the file is not valid JSON: .+/);
  });

  it('names the JSON Lines lines that are not JSON', () => {
    const text = `${JSON.stringify(hrEvent())}\n{"specversion": \n${JSON.stringify(hrEvent())}\n`;
    expect(problems(parsePlanFile(text))).toEqual([expect.stringMatching(/^line 2: not valid JSON \(the file is read as JSON Lines\): /)]);
  });

  it('names items of no known shape', () => {
    expect(problems(parsePlanFile(JSON.stringify([42, { kind: 'joined' }, null, [1]])))).toEqual([
      'item 1: expected an HR event (a CloudEvent: an object with "specversion") or a SCIM request (an object with "method" and "path"), got a number',
      'item 2: expected an HR event (a CloudEvent: an object with "specversion") or a SCIM request (an object with "method" and "path"), got an object with keys kind',
      'item 3: expected an HR event (a CloudEvent: an object with "specversion") or a SCIM request (an object with "method" and "path"), got null',
      'item 4: expected an HR event (a CloudEvent: an object with "specversion") or a SCIM request (an object with "method" and "path"), got an array',
    ]);
  });
});

describe('the examples of docs/cli.md', () => {
  it('are valid plan files', async () => {
    const markdown = await readFile(new URL('../../../docs/cli.md', import.meta.url), 'utf8');
    const section = /^## `lpprov plan`\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(markdown)?.[1] ?? '';
    const blocks = [...section.matchAll(/^```json\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const block of blocks) expect(parsePlanFile(block)).toMatchObject({ ok: true });
  });
});

describe('parsePlanningTime (--at)', () => {
  it('takes an ISO 8601 time with a zone', () => {
    expect(parsePlanningTime('2026-03-01T09:00:00Z')).toBe(Date.parse('2026-03-01T09:00:00Z'));
    expect(parsePlanningTime('2026-03-01T10:00:00+01:00')).toBe(Date.parse('2026-03-01T09:00:00Z'));
  });

  it('refuses a time without a zone, a date alone and other text', () => {
    for (const value of ['2026-03-01T09:00:00', '2026-03-01', 'tomorrow']) {
      expect(() => parsePlanningTime(value)).toThrow(/ISO 8601 time with a zone/);
    }
  });

  it('takes now', () => {
    const before = Date.now();
    const at = parsePlanningTime('now');
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
  });
});
