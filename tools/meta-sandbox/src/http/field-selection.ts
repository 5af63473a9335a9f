import { graphErrors } from './graph-error';

/** Parse Graph's `fields` parameter: top-level names; nested `{...}` selections and `.modifier(...)` are accepted and
 * ignored (the whole sub-object is returned). */
export const parseFields = (raw: string | undefined): string[] | undefined => {
  if (raw === undefined || raw.trim() === '') return undefined;
  const names: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of raw) {
    if (char === '{' || char === '(') depth += 1;
    if (char === '}' || char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      names.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  names.push(current);
  return names.map((name) => name.trim().split(/[{.(]/)[0].trim()).filter((name) => name.length > 0);
};

/** The nested selection of one top-level field (`creative{id,title}` → `['id','title']`); undefined when none. */
export const parseSubfields = (raw: string | undefined, field: string): string[] | undefined => {
  if (raw === undefined) return undefined;
  let depth = 0;
  let start = -1;
  let name = '';
  for (let i = 0; i < raw.length; i += 1) {
    const char = raw[i];
    if (char === '{') {
      if (depth === 0 && name.trim() === field) start = i + 1;
      depth += 1;
    } else if (char === '}') {
      depth -= 1;
      if (depth === 0 && start >= 0) return parseFields(raw.slice(start, i));
    } else if (depth === 0) {
      name = char === ',' ? '' : name + char;
    }
  }
  return undefined;
};

export type FieldResolvers<T> = Record<string, (item: T) => unknown>;

/**
 * Project `item` onto the requested fields. Unknown field → `(#100) Tried accessing nonexisting field`; fields whose
 * resolver returns undefined are omitted (as Graph omits empty fields).
 */
export const selectFields = <T>(
  item: T,
  requested: string[] | undefined,
  defaults: string[],
  resolvers: FieldResolvers<T>,
  nodeType: string,
): Record<string, unknown> => {
  const fields = requested ?? defaults;
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const resolver = resolvers[field];
    if (!resolver) throw graphErrors.nonexistingField(field, nodeType);
    const value = resolver(item);
    if (value !== undefined) out[field] = value;
  }
  if (!fields.includes('id') && resolvers.id) {
    const id = resolvers.id(item);
    if (id !== undefined) out.id = id;
  }
  return out;
};
