import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';

import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { eventSchemaFiles, SCHEMA_DIR, SCHEMA_ID_BASE } from '../../../scripts/generate-event-schemas.ts';
import { DLQ_HEADERS, deadLetterTopicFor } from '../../../src/consumers/dead-letter-topic.ts';
import { HR_WEBHOOK_PATH } from '../../../src/consumers/hr-webhook.router.ts';
import { HR_EVENT_TYPES, parseHrEvent } from '../../../src/core/events/hr-event.ts';
import { hrEvent } from '../../fixtures/hr-events.ts';

// The contract in docs/ is for HR integrators; these checks keep it from promising anything the
// code would refuse, and the generated schemas from drifting away from the zod schemas.

const ROOT = resolve(import.meta.dirname, '../../..');
const DOCS = join(ROOT, 'docs');
const DEFAULT_TOPIC = 'hr.lifecycle.v1';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, what: string): Json {
  if (!isObject(value)) throw new Error(`${what} is not an object`);
  return value;
}

async function committedSchema(file: string): Promise<Json> {
  return object(JSON.parse(await readFile(join(ROOT, SCHEMA_DIR, file), 'utf8')), file);
}

/** The ```json blocks under the "## Examples" heading of docs/events.md, parsed. */
async function documentedExamples(): Promise<unknown[]> {
  const markdown = await readFile(join(DOCS, 'events.md'), 'utf8');
  const section = /^## Examples\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(markdown)?.[1];
  if (section === undefined) throw new Error('docs/events.md has no "## Examples" section');
  return [...section.matchAll(/^```json\n([\s\S]*?)^```$/gm)].map((match, index) => {
    try {
      return JSON.parse(match[1] ?? '') as unknown;
    } catch (error) {
      throw new Error(`example ${index + 1} in docs/events.md is not JSON: ${(error as Error).message}`, { cause: error });
    }
  });
}

/** One fixture event per type, as the other tests build them. */
function fixtureEvents(): Record<string, unknown>[] {
  return HR_EVENT_TYPES.map((type) =>
    hrEvent({
      type,
      sequence: 7,
      ...(type.endsWith('.change_cancelled.v1') ? { cancelledType: 'io.lpprov.hr.worker.left.v1' } : {}),
    }),
  );
}

/**
 * A committed JSON Schema as a zod validator, to check that the files themselves (not only the
 * zod schemas they come from) accept what lpprov accepts. zod cannot read if/then, so the one
 * conditional (change_cancelled needs data.cancelled) is left out here and checked on its own.
 */
function validatorOf(schema: Json): z.ZodType {
  const { allOf: _conditional, ...plain } = schema;
  return z.fromJSONSchema(plain);
}

function typeOf(event: unknown): unknown {
  return isObject(event) ? event.type : undefined;
}

describe('generated event schemas (docs/schemas)', () => {
  it('are exactly what `npm run schemas` generates from the zod schemas', async () => {
    const generated = eventSchemaFiles();
    const present = (await readdir(join(ROOT, SCHEMA_DIR))).filter((name) => name.endsWith('.json')).sort();
    expect(present, `docs/schemas holds other files than the generator writes: run npm run schemas`).toEqual(
      generated.map((g) => g.file).sort(),
    );
    for (const { file, text } of generated) {
      const committed = await readFile(join(ROOT, SCHEMA_DIR, file), 'utf8');
      expect(committed, `${SCHEMA_DIR}/${file} is out of date: run npm run schemas`).toBe(text);
    }
  });

  it('generates the same bytes every time', () => {
    expect(eventSchemaFiles()).toEqual(eventSchemaFiles());
  });

  it('give each file an $id, a title and a description', async () => {
    for (const { file } of eventSchemaFiles()) {
      const schema = await committedSchema(file);
      expect(schema.$id).toBe(`${SCHEMA_ID_BASE}${file}`);
      expect(schema.title).toEqual(expect.any(String));
      expect(schema.description).toEqual(expect.stringContaining('npm run schemas'));
    }
  });

  it('say in JSON Schema that change_cancelled needs data.cancelled, as parseHrEvent does', async () => {
    const schema = await committedSchema('hr-event.v1.schema.json');
    expect(schema.allOf).toEqual([
      {
        if: { properties: { type: { const: 'io.lpprov.hr.worker.change_cancelled.v1' } }, required: ['type'] },
        then: { properties: { data: { properties: { cancelled: { type: 'object' } }, required: ['cancelled'] } } },
      },
    ]);
    const withoutCancelled = parseHrEvent(hrEvent({ type: 'io.lpprov.hr.worker.change_cancelled.v1' }));
    expect(withoutCancelled.ok).toBe(false);
    if (!withoutCancelled.ok) expect(withoutCancelled.reason).toContain('data.cancelled');
  });
});

describe('example events', () => {
  it('docs/events.md shows one example per event type, each accepted by parseHrEvent', async () => {
    const examples = await documentedExamples();
    expect(examples.map(typeOf).sort()).toEqual([...HR_EVENT_TYPES].sort());
    for (const [index, example] of examples.entries()) {
      const parsed = parseHrEvent(example);
      expect(parsed, `example ${index + 1} (${String(typeOf(example))}) in docs/events.md: ${parsed.ok ? '' : parsed.reason}`).toMatchObject({
        ok: true,
      });
    }
  });

  it('the test fixtures are valid events of every type', () => {
    for (const event of fixtureEvents()) {
      const parsed = parseHrEvent(event);
      expect(parsed, `fixture ${String(event.type)}: ${parsed.ok ? '' : parsed.reason}`).toMatchObject({ ok: true });
    }
  });

  it('pass the committed JSON Schemas too (event, data and worker)', async () => {
    const eventSchema = validatorOf(await committedSchema('hr-event.v1.schema.json'));
    const dataSchema = validatorOf(await committedSchema('hr-event-data.v1.schema.json'));
    const workerSchema = validatorOf(await committedSchema('worker.v1.schema.json'));
    for (const event of [...(await documentedExamples()), ...fixtureEvents()]) {
      const what = String(typeOf(event));
      expect(eventSchema.safeParse(event).success, `${what}: event`).toBe(true);
      const data = object(object(event, what).data, `${what}: data`);
      expect(dataSchema.safeParse(data).success, `${what}: data`).toBe(true);
      expect(workerSchema.safeParse(data.worker).success, `${what}: worker`).toBe(true);
    }
  });

  it('and the committed JSON Schemas refuse what parseHrEvent refuses for its fields', async () => {
    const eventSchema = validatorOf(await committedSchema('hr-event.v1.schema.json'));
    const good = fixtureEvents()[0] ?? {};
    const data = object(good.data, 'data');
    const worker = object(data.worker, 'worker');
    const bad = [
      { ...good, time: '2026-01-05 08:00' },
      { ...good, sequence: '12a' },
      { ...good, type: 'io.lpprov.hr.worker.promoted.v1' },
      { ...good, data: { ...data, phase: 'later' } },
      { ...good, data: { ...data, worker: { ...worker, email: { work: 'not-an-address' } } } },
      { ...good, data: { ...data, worker: { ...worker, employment_status: 'retired' } } },
    ];
    for (const event of bad) {
      expect(parseHrEvent(event).ok).toBe(false);
      expect(eventSchema.safeParse(event).success, JSON.stringify(event).slice(0, 120)).toBe(false);
    }
  });
});

describe('docs/asyncapi.yaml', () => {
  const load = async (): Promise<Json> => object(parseYaml(await readFile(join(DOCS, 'asyncapi.yaml'), 'utf8')), 'asyncapi.yaml');

  /** Follows a local JSON pointer (`#/a/b`) in the document. */
  function pointer(document: Json, ref: string): unknown {
    let current: unknown = document;
    for (const raw of ref.slice(2).split('/')) {
      const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
      current = isObject(current) ? current[key] : undefined;
    }
    return current;
  }

  /** Every `$ref` value in the document. */
  function refs(value: unknown, found: string[] = []): string[] {
    if (Array.isArray(value)) for (const item of value) refs(item, found);
    else if (isObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (key === '$ref' && typeof item === 'string') found.push(item);
        else refs(item, found);
      }
    }
    return found;
  }

  /** A `$ref`-or-object, followed once. */
  function follow(document: Json, value: unknown, what: string): Json {
    const node = object(value, what);
    return typeof node.$ref === 'string' ? object(pointer(document, node.$ref), node.$ref) : node;
  }

  it('is an AsyncAPI 3.0.0 document whose local references all resolve', async () => {
    const document = await load();
    expect(document.asyncapi).toBe('3.0.0');
    const local = refs(document).filter((ref) => ref.startsWith('#/'));
    expect(local.length).toBeGreaterThan(0);
    for (const ref of local) expect(pointer(document, ref), `unresolved ${ref}`).toBeDefined();
  });

  it('takes its message payloads from the committed schema files', async () => {
    const document = await load();
    const files = refs(document).filter((ref) => !ref.startsWith('#'));
    for (const ref of files) {
      const path = resolve(DOCS, ref);
      expect(existsSync(path), `${ref} does not exist`).toBe(true);
      expect(relative(join(ROOT, SCHEMA_DIR), dirname(path)), `${ref} is not in ${SCHEMA_DIR}`).toBe('');
    }
    expect(new Set(files)).toEqual(new Set(['./schemas/hr-event.v1.schema.json', './schemas/hr-event-data.v1.schema.json']));
  });

  it('describes the topic, the dead-letter topic and the webhook as lpprov runs them', async () => {
    const document = await load();
    const channels = object(document.channels, 'channels');
    const addresses = Object.values(channels).map((channel) => object(channel, 'channel').address);
    expect(addresses).toEqual([DEFAULT_TOPIC, deadLetterTopicFor(DEFAULT_TOPIC), HR_WEBHOOK_PATH]);

    const operations = Object.values(object(document.operations, 'operations')).map((op) => {
      const operation = object(op, 'operation');
      return { action: operation.action, address: follow(document, operation.channel, 'operation channel').address };
    });
    expect(operations).toEqual([
      { action: 'receive', address: DEFAULT_TOPIC },
      { action: 'send', address: deadLetterTopicFor(DEFAULT_TOPIC) },
      { action: 'receive', address: HR_WEBHOOK_PATH },
    ]);
  });

  it('has one structured message per event type and binary-mode headers for each type', async () => {
    const document = await load();
    const messages = object(object(document.components, 'components').messages, 'messages');
    const structuredTypes = Object.values(messages).flatMap((m) => {
      const payload = object(m, 'message').payload;
      const allOf = isObject(payload) && isObject(payload.schema) ? payload.schema.allOf : undefined;
      if (!Array.isArray(allOf)) return [];
      return allOf.flatMap((part) => (isObject(part) && isObject(part.properties) && isObject(part.properties.type) ? [part.properties.type.const] : []));
    });
    expect(structuredTypes).toEqual([...HR_EVENT_TYPES]);
    for (const name of HR_EVENT_TYPES) expect(Object.values(messages).some((m) => object(m, 'message').name === name)).toBe(true);

    const schemas = object(object(document.components, 'components').schemas, 'schemas');
    const ceType = object(object(object(schemas.ceHeaders, 'ceHeaders').properties, 'properties').ce_type, 'ce_type');
    expect(ceType.enum).toEqual([...HR_EVENT_TYPES]);
  });

  it('names the dead-letter headers lpprov writes', async () => {
    const document = await load();
    const schemas = object(object(document.components, 'components').schemas, 'schemas');
    const headers = object(schemas.deadLetterHeaders, 'deadLetterHeaders');
    expect(headers.required).toEqual(Object.values(DLQ_HEADERS));
    expect(Object.keys(object(headers.properties, 'properties'))).toEqual(Object.values(DLQ_HEADERS));
  });

  it('answers the webhook with the status codes the router uses', async () => {
    const document = await load();
    const operations = object(document.operations, 'operations');
    const webhook = object(operations.receiveHrWebhook, 'receiveHrWebhook');
    const reply = object(webhook.reply, 'reply');
    const replies = Array.isArray(reply.messages) ? reply.messages : [];
    const statusCodes = replies.map((ref) => {
      const message = follow(document, follow(document, ref, 'reply message'), 'reply message');
      return object(object(message.bindings, 'bindings').http, 'http binding').statusCode;
    });
    expect(statusCodes).toEqual([202, 400, 401, 413, 415, 503]);
    expect(object(object(webhook.bindings, 'bindings').http, 'http binding').method).toBe('POST');
  });
});
