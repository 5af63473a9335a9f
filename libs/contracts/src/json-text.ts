declare const jsonOf: unique symbol;

/**
 * A string known to be the JSON of a `T`. A service answers a large reply as one pre-serialised string: the NATS reply
 * envelope then holds a single string (parsing one long string is far cheaper than building thousands of objects), and
 * the gateway sends the text as the HTTP body without ever parsing it. The brand keeps the `T` it stands for, so a
 * `JsonText<MarketingReport>` is neither a plain string nor the JSON of anything else.
 */
export type JsonText<T> = string & { readonly [jsonOf]: T };

/** The JSON of a plain data value (no `Date`, `Map` or `undefined` at the top: JSON would not give them back). */
export function toJsonText<T>(value: T): JsonText<T> {
  return JSON.stringify(value) as JsonText<T>;
}

/** The value back, for a caller that reads it (the gateway's CSV export, tests); pass-through routes never do. */
export function parseJsonText<T>(text: JsonText<T>): T {
  return JSON.parse(text) as T;
}
