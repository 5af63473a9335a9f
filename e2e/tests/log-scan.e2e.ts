import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { sql } from '../support/browser';
import { DEMO_CEO, TEST_PASSWORDS } from '../support/credentials';
import { e2eEnvironment } from '../support/environment';

/**
 * Issue 9's log scan. Runs after every walk (the `log-scan` project depends on `walks`): the whole run's output —
 * each service at `log` (production's level), the Meta sandbox, nats-server, the demo seed — is searched for what
 * an operator or anyone with the log must never read: the run's secrets, the access tokens and OAuth codes the
 * sandbox issued, JWT-looking strings (session cookies, OAuth states), the test users' passwords, and any phone
 * number the run stored in the database in an unmasked form. The only form a phone may take in a log is the
 * logger's mask (`maskPhone` in libs/nest-common: `+52*******5678`, the last four digits) and a WhatsApp message id
 * only its reference (`wamid#<hash>`): Meta's wamids hold the recipient's number in base64, so base64 runs are
 * decoded and searched too. WhatsApp writes a number without its `+` (`wa_id`, `from`, `recipient_id`, `to`): every
 * contact of the run — stored, messaged, or in a webhook the sandbox sent — is also searched for in its bare-digit
 * forms, a Mexican mobile with and without its `1` (`5215512345678`, `525512345678`).
 */

const env = e2eEnvironment();
test.use({ baseURL: env.gatewayUrl });

/** The processes of the run, as system.ts prefixes their lines. */
const PROCESSES = [
  'gateway',
  'crm-service',
  'meta-ads-service',
  'marketing-service',
  'automation-service',
  'sandbox',
  'nats-server',
  'seed',
] as const;
const NEST_SERVICES = PROCESSES.slice(0, 5);
/** A whole run writes well over a thousand lines at `log` (the walks make hundreds of requests alone). */
const MIN_INFO_LINES = 500;
const MIN_ACCESS_LINES = 300;

type Finding = { what: string; line: string };
type Line = { process: string; text: string };

const ANSI = new RegExp(String.raw`\u001b\[[0-9;]*m`, 'g');

function readLog(): Line[] {
  return readFileSync(env.logFile, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const separator = line.indexOf(' | ');
      return {
        process: separator === -1 ? '' : line.slice(0, separator),
        text: (separator === -1 ? line : line.slice(separator + 3)).replace(ANSI, ''),
      };
    });
}

/** The line as the failure shows it: every occurrence of `secret` replaced by «…». */
function shown(line: string, secret: string): string {
  return line.split(secret).join('«…»').slice(0, 400);
}

/** Each line that contains any of `values` (exact text), named `what`. */
function linesContaining(lines: Line[], what: string, values: Iterable<string>): Finding[] {
  const findings: Finding[] = [];
  for (const value of values) {
    for (const { process, text } of lines) {
      if (text.includes(value)) findings.push({ what, line: `${process} | ${shown(text, value)}` });
    }
  }
  return findings;
}

/** Digit runs of a text, separators between digits dropped (`+52 55 1234-5678` → `525512345678`). */
function digitRuns(text: string): string[] {
  return text.replace(/(?<=\d)[\s().-]{1,2}(?=\d)/g, '').match(/\d{10,}/g) ?? [];
}

/** The national ten digits of a stored phone found in `text` (with or without `+`, the country code, the `1`). */
function phoneIn(text: string, nationals: ReadonlySet<string>): string | undefined {
  for (const run of digitRuns(text)) {
    for (let start = 0; start + 10 <= run.length; start++) {
      const window = run.slice(start, start + 10);
      if (nationals.has(window)) return window;
    }
  }
  return undefined;
}

/** Base64 runs of a line and their decoding (a wamid, a cookie or a token carries its content this way). */
function decodedRuns(text: string): { run: string; decoded: string }[] {
  return (text.match(/[A-Za-z0-9+/_-]{16,}={0,2}/g) ?? []).map((run) => ({
    run,
    decoded: Buffer.from(run, 'base64').toString('latin1'),
  }));
}

/**
 * The digits WhatsApp writes for a phone, without `+` or separators: a Mexican mobile both with the `1` after the
 * country code (`wa_id`'s form, `5215512345678`) and without it (`525512345678`, how it is dialled since 2019).
 */
function bareForms(phone: string): string[] {
  const digits = phone.replace(/\D/g, '');
  if (/^521\d{10}$/.test(digits)) return [digits, `52${digits.slice(3)}`];
  if (/^52\d{10}$/.test(digits)) return [digits, `521${digits.slice(2)}`];
  return [digits];
}

/**
 * The phones in the webhooks the sandbox sent, some never stored (a message refused, a status of a number the CRM
 * does not know): WhatsApp's senders, the recipients of statuses, the business numbers.
 */
function webhookPhones(payloads: unknown[]): string[] {
  const phones: string[] = [];
  const visit = (value: unknown, key?: string): void => {
    if (Array.isArray(value)) value.forEach((item) => visit(item));
    else if (typeof value === 'object' && value !== null)
      for (const [name, item] of Object.entries(value)) visit(item, name);
    else if (
      (typeof value === 'string' || typeof value === 'number') &&
      key !== undefined &&
      ['wa_id', 'from', 'recipient_id', 'display_phone_number'].includes(key) &&
      /^\+?[\d\s().-]{8,20}$/.test(String(value))
    )
      phones.push(String(value));
  };
  visit(payloads);
  return phones;
}

/** Every phone the run stored: each text column named like a phone in the services' schemas, and the sends. */
async function storedPhones(): Promise<Set<string>> {
  const columns = await sql<{ table_schema: string; table_name: string; column_name: string }>(
    `SELECT c.table_schema, c.table_name, c.column_name
       FROM information_schema.columns c
       JOIN information_schema.tables t USING (table_schema, table_name)
      WHERE t.table_type = 'BASE TABLE'
        AND c.table_schema IN ('crm', 'meta_ads', 'marketing', 'automation')
        AND c.data_type = 'text'
        AND (c.column_name ~ '(^|_)phone$' OR c.column_name IN ('display_phone_number', 'wa_id'))`,
    [],
  );
  const phones = new Set<string>();
  for (const { table_schema, table_name, column_name } of columns) {
    const rows = await sql<{ phone: string }>(
      `SELECT DISTINCT "${column_name}" AS phone FROM "${table_schema}"."${table_name}" WHERE "${column_name}" IS NOT NULL`,
      [],
    );
    for (const { phone } of rows) phones.add(phone);
  }
  return phones;
}

test('the whole run logged no secret, token, JWT, password or unmasked phone, and it did log', async ({
  request,
}) => {
  // A session of our own, so its cookie value is known: it must never be logged either.
  const login = await request.post('/crm/auth/login', { data: DEMO_CEO });
  expect(login.status()).toBe(200);
  const session = (await request.storageState()).cookies.find((c) => c.name === 'crm_session')?.value;
  expect(session).toBeTruthy();
  expect((await request.get('/crm/auth/me')).status()).toBe(200);
  expect((await request.post('/crm/auth/logout', { data: {} })).status()).toBe(204);

  const issued = (await (await request.get(`${env.sandboxUrl}/_sandbox/tokens`)).json()) as {
    tokens: { token: string }[];
    codes: { code: string }[];
  };
  const sent = (await (await request.get(`${env.sandboxUrl}/_sandbox/messages`)).json()) as {
    data: { to: string }[];
  };
  const webhooks = (await (await request.get(`${env.sandboxUrl}/_sandbox/webhooks`)).json()) as {
    data: { payload: unknown }[];
  };
  const phones = await storedPhones();
  for (const message of sent.data) phones.add(message.to);
  const inWebhooks = webhookPhones(webhooks.data.map((delivery) => delivery.payload));
  for (const phone of inWebhooks) phones.add(phone);
  const nationals = new Set([...phones].map((phone) => phone.replace(/\D/g, '').slice(-10)));
  const bare = new Set([...phones].flatMap(bareForms));

  // The walks connected Meta and sent WhatsApp messages, so there is something to find: a vacuous list would
  // make the assertions below pass for nothing.
  expect(issued.tokens.length).toBeGreaterThan(0);
  expect(issued.codes.length).toBeGreaterThan(0);
  expect(nationals.size).toBeGreaterThan(2000);
  expect(inWebhooks.length).toBeGreaterThan(0);
  expect(Object.keys(env.secrets).length).toBeGreaterThanOrEqual(10);

  // Give the services a moment to write the lines of the requests above.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const lines = readLog();

  // Not vacuous: every process wrote, the services at `log` (info) level, and the access log followed the walks.
  for (const process of PROCESSES) {
    expect(lines.filter((line) => line.process === process).length, `lines of ${process}`).toBeGreaterThan(0);
  }
  for (const service of NEST_SERVICES) {
    const info = lines.filter((line) => line.process === service && / LOG \[/.test(line.text));
    expect(info.length, `info lines of ${service}`).toBeGreaterThan(5);
  }
  expect(lines.filter((line) => / LOG \[/.test(line.text)).length).toBeGreaterThanOrEqual(MIN_INFO_LINES);
  expect(lines.filter((line) => / LOG \[HTTP\] /.test(line.text)).length).toBeGreaterThanOrEqual(
    MIN_ACCESS_LINES,
  );

  const findings: Finding[] = [
    ...Object.entries(env.secrets).flatMap(([name, value]) => linesContaining(lines, name, [value])),
    ...linesContaining(
      lines,
      'Meta access token',
      issued.tokens.map((t) => t.token),
    ),
    ...linesContaining(
      lines,
      'OAuth code',
      issued.codes.map((c) => c.code),
    ),
    ...linesContaining(lines, 'session cookie', [session!]),
    ...linesContaining(lines, 'test user password', TEST_PASSWORDS),
  ];
  for (const { process, text } of lines) {
    for (const jwt of text.match(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}/g) ?? []) {
      findings.push({ what: 'JWT-looking string', line: `${process} | ${shown(text, jwt)}` });
    }
    for (const phone of text.match(/\+\d(?:[\s().-]{0,2}\d){9,14}/g) ?? []) {
      findings.push({ what: 'unmasked E.164 number', line: `${process} | ${shown(text, phone)}` });
    }
    for (const run of text.match(/\d+/g) ?? []) {
      if (bare.has(run))
        findings.push({ what: 'bare-digit phone', line: `${process} | ${shown(text, run)}` });
    }
    const plain = phoneIn(text, nationals);
    if (plain) findings.push({ what: 'stored phone', line: `${process} | ${shown(text, plain)}` });
    for (const { run, decoded } of decodedRuns(text)) {
      if (phoneIn(decoded, nationals)) {
        findings.push({ what: 'stored phone in base64', line: `${process} | ${shown(text, run)}` });
      }
    }
  }
  const report = findings.map(({ what, line }) => `${what}: ${line}`).join('\n');
  expect(findings, `leaks in ${env.logFile}:\n${report}`).toEqual([]);
  // And the redaction was at work: the inbound WhatsApp messages were logged with a wamid reference.
  expect(lines.some((line) => /wamid#[0-9a-f]{12}/.test(line.text))).toBe(true);
});
