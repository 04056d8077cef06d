/**
 * Generates the JSON Schema files of the HR event contract (docs/schemas/) from the zod schemas
 * lpprov validates with, so the published contract cannot drift from the code. `npm run schemas`
 * writes them; test/unit/docs/event-schemas.test.ts regenerates them in memory and fails when the
 * committed files differ. This module lives in scripts/ but is imported by that test, which is
 * also what brings it under `tsc -p tsconfig.json` and the type-aware lint.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { z } from 'zod';

import { HR_EVENT_TYPES, hrEventDataSchema, hrEventSchema, workerSchema } from '../src/core/events/hr-event.ts';

/** Folder of the generated files, relative to the repository root. */
export const SCHEMA_DIR = 'docs/schemas';

/**
 * `$id`s are identifiers, not download locations: the host mirrors the `io.lpprov` type
 * namespace. Producers may put the event schema's `$id` in the CloudEvents `dataschema`.
 */
export const SCHEMA_ID_BASE = 'https://lpprov.io/schemas/';

export interface EventSchemaFile {
  /** File name inside SCHEMA_DIR. */
  readonly file: string;
  /** Exact file content: what `npm run schemas` writes and the test compares byte for byte. */
  readonly text: string;
}

type JsonObject = Record<string, unknown>;

const GENERATED = 'Generated from src/core/events/hr-event.ts by `npm run schemas`: do not edit by hand. Described in docs/events.md.';

const CHANGE_CANCELLED = HR_EVENT_TYPES.find((type) => type.endsWith('.change_cancelled.v1'));

/**
 * One zod schema as a JSON Schema document. draft-07 rather than 2020-12: it is the JSON Schema
 * dialect AsyncAPI 3 tools must support (docs/asyncapi.yaml references these files), and the
 * schemas use nothing newer. `io: 'input'` describes what a producer may send: in that mode zod
 * leaves `additionalProperties` open, which is the contract (unknown members are ignored).
 */
function document(schema: z.ZodType, file: string, title: string, description: string, extra: JsonObject = {}): EventSchemaFile {
  const generated = z.toJSONSchema(schema, { io: 'input', target: 'draft-07', unrepresentable: 'throw' }) as JsonObject;
  const { $schema, ...body } = generated;
  // Identification first, then the generated body in zod's (declaration) order: stable bytes.
  const ordered: JsonObject = { $schema, $id: `${SCHEMA_ID_BASE}${file}`, title, description: `${description} ${GENERATED}`, ...body, ...extra };
  return { file, text: `${JSON.stringify(ordered, null, 2)}\n` };
}

/** The three files, in a fixed order. */
export function eventSchemaFiles(): EventSchemaFile[] {
  if (CHANGE_CANCELLED === undefined) throw new Error('HR_EVENT_TYPES no longer has a change_cancelled type: update the generator');
  return [
    document(
      hrEventSchema,
      'hr-event.v1.schema.json',
      'lpprov HR lifecycle event v1 (CloudEvents 1.0, structured JSON)',
      'A whole HR event as lpprov accepts it: the CloudEvents envelope with a full worker snapshot in `data`. ' +
        'Also checked by lpprov but not expressible in JSON Schema: `subject` must equal `person/` followed by `data.worker.person_id`. ' +
        'Members not listed here are allowed and ignored; `null` means cleared and an absent member means unknown.',
      {
        // The one cross-field rule of the zod schema (a superRefine, invisible to toJSONSchema)
        // that JSON Schema can say, so validators catch it before lpprov dead-letters the event.
        allOf: [
          {
            if: { properties: { type: { const: CHANGE_CANCELLED } }, required: ['type'] },
            then: { properties: { data: { properties: { cancelled: { type: 'object' } }, required: ['cancelled'] } } },
          },
        ],
      },
    ),
    document(
      hrEventDataSchema,
      'hr-event-data.v1.schema.json',
      'lpprov HR lifecycle event v1: data',
      'The `data` member of an HR event, and the whole Kafka message value in CloudEvents binary mode (attributes in `ce_` headers).',
    ),
    document(
      workerSchema,
      'worker.v1.schema.json',
      'lpprov HR worker snapshot v1',
      'The worker snapshot (`data.worker`): everything HR knows about the person as of `data.effective_at`, not only what changed.',
    ),
  ];
}

/** Writes every file under `root`/SCHEMA_DIR. */
export async function writeEventSchemas(root: string): Promise<string[]> {
  const written: string[] = [];
  for (const { file, text } of eventSchemaFiles()) {
    const path = join(root, SCHEMA_DIR, file);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text, 'utf8');
    written.push(path);
  }
  return written;
}

if (import.meta.main) {
  const root = join(import.meta.dirname, '..');
  for (const path of await writeEventSchemas(root)) console.log(`wrote ${path}`);
}
