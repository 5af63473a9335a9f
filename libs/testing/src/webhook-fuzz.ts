import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { REPO_ROOT } from './infra';

/**
 * Property-based Meta webhook bodies for the fuzz proof (int-spec and `bench/webhook-fuzz.bench.ts`): WhatsApp
 * `messages` values (inbound messages with referral, statuses) generated from the schemas of Meta's OpenAPI file
 * (facebook/openapi v23.0), plus the shapes that file lacks (REFERENCE.md §8.1) written from the reference:
 * `message_template_status_update` (§7.7) and the Lead Ads `leadgen` change (§6.2). Each valid body may get one
 * mutation; a mutated body is "invalid" (it may be parked), a valid one must be processed.
 */

type Schema = {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  discriminator?: { mapping?: Record<string, string> };
};

/** Meta's specs: `META_SPECS_DIR`, else `../shared/meta/specs` beside the repository (the CI clone links it). */
export function metaSpecsDir(): string {
  const dir = process.env.META_SPECS_DIR ?? resolve(REPO_ROOT, '../shared/meta/specs');
  if (!existsSync(dir)) throw new Error(`Meta specs not found at ${dir}: set META_SPECS_DIR`);
  return dir;
}

/** Where fuzzed bodies are routed: the test tenant's WABA and number; a Page nobody connected (leads not fetched). */
export type FuzzTargets = {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  pageId: string;
};

export type FuzzBody = {
  /** The exact bytes to sign and post (ids beyond 2^53 are JSON numbers in it, which `JSON.stringify` can't write). */
  raw: string;
  kind: 'messages' | 'statuses' | 'template_status' | 'leadgen';
  /** The mutation applied, or undefined for a valid body. */
  mutation?: string;
  /** Senders (wa_id digits) of the valid inbound messages: each must end as a lead of the tenant. */
  senders: string[];
};

const BIG = '__FUZZ_BIGINT__';
const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const hex = fc.string({ unit: fc.constantFrom(...'0123456789ABCDEF'), minLength: 16, maxLength: 32 });
/** Mexican mobile numbers as WhatsApp writes them (`521` + 10 digits), distinct per run through the tag digits. */
const phone = digits(8, 8).map((d) => `52155${d}`);
const recentSeconds = fc
  .integer({ min: -86_400 * 3, max: 0 })
  .map((offset) => String(Math.floor(Date.now() / 1000) + offset));

/** Property values whose meaning the schema leaves as "string" but that Meta always sends in one format. */
const FIELD_FORMATS: Record<string, fc.Arbitrary<unknown>> = {
  from: phone,
  wa_id: phone,
  recipient_id: phone,
  timestamp: recentSeconds,
  expiration_timestamp: recentSeconds,
  id: hex.map((h) => `wamid.FUZZ${h}`),
  messaging_product: fc.constant('whatsapp'),
  source_id: digits(15, 18).map((d) => `1${d}`),
  code: fc.integer({ min: 1, max: 200_000 }),
};

function loadSchemas(specsDir: string): Record<string, Schema> {
  const file = join(specsDir, 'whatsapp-openapi/business-messaging-api_v23.0.yaml');
  const oas = parse(readFileSync(file, 'utf8')) as { components: { schemas: Record<string, Schema> } };
  return oas.components.schemas;
}

/** allOf merged into one object schema (later parts win, required lists add up). */
function merged(schema: Schema, schemas: Record<string, Schema>): Schema {
  const deref = (s: Schema): Schema => (s.$ref ? merged(schemas[s.$ref.split('/').pop()!], schemas) : s);
  if (!schema.allOf) return deref(schema);
  const out: Schema = { type: 'object', properties: {}, required: [] };
  for (const part of schema.allOf.map((p) => merged(p, schemas))) {
    Object.assign(out.properties!, part.properties ?? {});
    out.required!.push(...(part.required ?? []));
  }
  return out;
}

/** A fast-check arbitrary for a schema of the OpenAPI file, realistic formats for the fields Meta always formats. */
function arbitraryOf(schema: Schema, schemas: Record<string, Schema>, depth = 0): fc.Arbitrary<unknown> {
  const s = merged(schema, schemas);
  if (s.enum) return fc.constantFrom(...s.enum);
  const choices = s.oneOf ?? s.anyOf;
  if (choices) return fc.oneof(...choices.map((c) => arbitraryOf(c, schemas, depth + 1)));
  if (s.type === 'object' || s.properties) {
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    const required = new Set(s.required ?? []);
    for (const [key, property] of Object.entries(s.properties ?? {})) {
      // Deep optional branches (nested contacts, interactive payloads) add nothing but size.
      if (depth > 5 && !required.has(key)) continue;
      model[key] = FIELD_FORMATS[key] ?? arbitraryOf(property, schemas, depth + 1);
    }
    return fc.record(model, { requiredKeys: [...required].filter((k) => k in model) });
  }
  if (s.type === 'array') {
    return fc.array(s.items ? arbitraryOf(s.items, schemas, depth + 1) : fc.string(), {
      minLength: 1,
      maxLength: 2,
    });
  }
  if (s.type === 'integer') return fc.integer({ min: 0, max: 1_000_000 });
  if (s.type === 'number') return fc.double({ noNaN: true, noDefaultInfinity: true });
  if (s.type === 'boolean') return fc.boolean();
  return fc.string({ maxLength: 40 });
}

type Valid = { body: Record<string, unknown>; kind: FuzzBody['kind']; senders: string[] };

/** Valid bodies: WhatsApp messages (+ referral) and statuses from the OpenAPI schemas, templates and leadgen. */
function validBodies(targets: FuzzTargets, schemas: Record<string, Schema>): fc.Arbitrary<Valid> {
  const metadata = {
    display_phone_number: targets.displayPhoneNumber,
    phone_number_id: targets.phoneNumberId,
  };
  const waba = (field: string, value: unknown) => ({
    object: 'whatsapp_business_account',
    entry: [{ id: targets.wabaId, changes: [{ field, value }] }],
  });
  const incoming = arbitraryOf({ $ref: '#/components/schemas/IncomingMessage' }, schemas);
  const referral = arbitraryOf({ $ref: '#/components/schemas/ReferralObject' }, schemas);
  const name = fc.string({ minLength: 1, maxLength: 30 });
  // Spec defect: the inbound message schemas extend the OUTGOING `BaseMessageProperties` (messaging_product,
  // recipient_type, to) and lack the inbound envelope; it is put back as REFERENCE.md §7.4 shows it.
  const envelope = fc.record({ from: phone, id: FIELD_FORMATS.id, timestamp: recentSeconds });
  const messages = fc
    .array(fc.tuple(incoming, envelope, fc.option(referral, { nil: undefined }), name), {
      minLength: 1,
      maxLength: 3,
    })
    .map((items): Valid => {
      const list = items.map(([message, inbound, ref]) => {
        const {
          messaging_product: _p,
          recipient_type: _r,
          to: _t,
          ...rest
        } = message as Record<string, unknown>;
        return { ...inbound, ...rest, ...(ref ? { referral: ref } : {}) };
      });
      const contacts = list.map((m, i) => ({ profile: { name: items[i][3] }, wa_id: m.from }));
      return {
        kind: 'messages',
        body: waba('messages', { messaging_product: 'whatsapp', metadata, contacts, messages: list }),
        senders: list.map((m) => m.from),
      };
    });
  const status = arbitraryOf({ $ref: '#/components/schemas/Statuses' }, schemas);
  const statuses = fc.array(status, { minLength: 1, maxLength: 5 }).map((list): Valid => ({
    kind: 'statuses',
    body: waba('messages', { messaging_product: 'whatsapp', metadata, statuses: list }),
    senders: [],
  }));
  // REFERENCE.md §7.7: not in the OpenAPI file (its Change.field enum has messages and group_* only).
  const templateStatus = fc
    .record(
      {
        event: fc.constantFrom(
          'APPROVED',
          'REJECTED',
          'PAUSED',
          'DISABLED',
          'PENDING',
          'FLAGGED',
          'REINSTATED',
        ),
        message_template_id: digits(15, 16).map((d) => Number(`1${d}`.slice(0, 15))),
        message_template_name: fc.stringMatching(/^[a-z_]{1,20}$/),
        message_template_language: fc.constantFrom('es_MX', 'en_US', 'es'),
        reason: fc.constantFrom('NONE', 'INVALID_FORMAT', null),
        message_template_category: fc.constantFrom('UTILITY', 'MARKETING'),
      },
      {
        requiredKeys: ['event', 'message_template_id', 'message_template_name', 'message_template_language'],
      },
    )
    .map((value): Valid => ({
      kind: 'template_status',
      body: waba('message_template_status_update', value),
      senders: [],
    }));
  // REFERENCE.md §6.2, to a Page nobody connected: routed nowhere, acknowledged (no lead is fetched).
  const leadgen = fc
    .record(
      {
        leadgen_id: digits(15, 15),
        page_id: fc.constant(targets.pageId),
        form_id: digits(15, 15),
        ad_id: digits(15, 15),
        adgroup_id: digits(15, 15),
        created_time: fc.integer({ min: 1_700_000_000, max: 1_800_000_000 }),
      },
      { requiredKeys: ['leadgen_id', 'page_id', 'form_id', 'created_time'] },
    )
    .map((value): Valid => ({
      kind: 'leadgen',
      body: {
        object: 'page',
        entry: [{ id: targets.pageId, time: value.created_time, changes: [{ field: 'leadgen', value }] }],
      },
      senders: [],
    }));
  return fc.oneof(
    { arbitrary: messages, weight: 4 },
    { arbitrary: statuses, weight: 3 },
    { arbitrary: templateStatus, weight: 1 },
    { arbitrary: leadgen, weight: 1 },
  );
}

/** Every object/array position of a value as a path of keys. */
function positions(value: unknown, path: (string | number)[] = [], out: (string | number)[][] = []) {
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const step = Array.isArray(value) ? Number(key) : key;
      out.push([...path, step]);
      positions(child, [...path, step], out);
    }
  }
  return out;
}

function parentOf(root: unknown, path: (string | number)[]): Record<string | number, unknown> {
  let node = root as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  return node;
}

type Mutation = (body: Record<string, unknown>, pick: number, extra: string) => string;
/** Each mutation edits a deep copy of a valid body at the position `pick` selects. */
const MUTATIONS: Record<string, Mutation> = {
  drop_field: (body, pick) => {
    const path = positions(body)[pick % positions(body).length];
    const parent = parentOf(body, path);
    if (Array.isArray(parent)) parent.splice(Number(path.at(-1)), 1);
    else delete parent[path.at(-1)!];
    return JSON.stringify(body);
  },
  wrong_type: (body, pick, extra) => {
    const path = positions(body)[pick % positions(body).length];
    const parent = parentOf(body, path);
    const current = parent[path.at(-1)!];
    const wrong: unknown[] = [42, 'x', null, true, [], {}, -1.5];
    parent[path.at(-1)!] = wrong.find((w) => typeof w !== typeof current && w !== current) ?? extra;
    return JSON.stringify(body);
  },
  id_beyond_2_53: (body, pick) => {
    const ids = positions(body).filter((p) => /(^|_)id$/.test(String(p.at(-1))));
    const path = ids[pick % Math.max(ids.length, 1)] ?? ['entry', 0, 'id'];
    parentOf(body, path)[path.at(-1)!] = BIG;
    return JSON.stringify(body).replace(`"${BIG}"`, '123456789012345678901234567890');
  },
  huge_string: (body, pick) => {
    const strings = positions(body).filter((p) => typeof parentOf(body, p)[p.at(-1)!] === 'string');
    const path = strings[pick % strings.length];
    parentOf(body, path)[path.at(-1)!] = 'é'.repeat(200_000);
    return JSON.stringify(body);
  },
  unicode_nul: (body, pick, extra) => {
    const strings = positions(body).filter((p) => typeof parentOf(body, p)[p.at(-1)!] === 'string');
    const path = strings[pick % strings.length];
    parentOf(body, path)[path.at(-1)!] = `\u0000${extra}\ud800\u202e😀\u0000`;
    return JSON.stringify(body);
  },
  extra_fields: (body, pick, extra) => {
    const objects = positions(body).filter((p) => {
      const v = parentOf(body, p)[p.at(-1)!];
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    });
    const path = objects[pick % objects.length];
    Object.assign(parentOf(body, path)[path.at(-1)!] as object, { [`x_${extra}`]: { nested: [extra, 1] } });
    return JSON.stringify(body);
  },
  duplicated_entries: (body) => {
    const entry = body.entry as unknown[];
    body.entry = [...entry, ...entry, ...entry];
    return JSON.stringify(body);
  },
  unknown_object: (body, _pick, extra) => JSON.stringify({ ...body, object: `fuzz_${extra}` }),
  unknown_field: (body, _pick, extra) => {
    const change = ((body.entry as { changes: { field: string }[] }[])[0].changes ?? [])[0];
    if (change) change.field = `fuzz_${extra}`;
    return JSON.stringify(body);
  },
};

/**
 * Signed-ready fuzz bodies: about a third valid, the rest one mutation of a valid body. `duplicated_entries` keeps
 * the body valid in meaning (Meta may repeat a delivery), so it counts as a mutation only for the report.
 */
export function webhookBodies(targets: FuzzTargets, specsDir = metaSpecsDir()): fc.Arbitrary<FuzzBody> {
  const valid = validBodies(targets, loadSchemas(specsDir));
  const names = Object.keys(MUTATIONS);
  return fc
    .tuple(
      valid,
      fc.option(fc.constantFrom(...names), { nil: undefined, freq: 2 }),
      fc.nat(),
      fc.string({ minLength: 1, maxLength: 12 }),
    )
    .map(([{ body, kind, senders }, mutation, pick, extra]): FuzzBody => {
      if (!mutation) return { raw: JSON.stringify(body), kind, senders };
      const copy = structuredClone(body);
      return { raw: MUTATIONS[mutation](copy, pick, extra), kind, mutation, senders: [] };
    });
}

/** `X-Hub-Signature-256` for raw bytes, as Meta computes it. */
export function metaSignature(raw: string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
}
