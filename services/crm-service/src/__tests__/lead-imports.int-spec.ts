import { randomUUID } from 'node:crypto';
import { Events, Rpc, type LeadImportMapping, type LeadImportView } from '@crm/contracts';
import { streamFor } from '@crm/nest-common';
import { rpcError, waitFor } from '@crm/testing';
import { connect } from 'nats';
import { LeadImportBatch } from '../lead-imports/lead-import-batch';
import { createUser } from '../tenancy/provisioning';
import {
  createTestTenant,
  startCrmTestApp,
  TEST_PASSWORD,
  type CrmTestApp,
  type TestTenant,
} from './crm-test-app';

// The 10,000-row import is given 90 s to finish after its upload.
jest.setTimeout(120_000);

const HEADER = ['Nombre', 'Teléfono', 'Correo', 'Etiquetas', 'Notas'];
const MAPPING = { name: 0, phone: 1, email: 2, tags: 3, notes: 4 };

/** Eight random digits shared by one test's phones, so runs never collide. */
function phoneBlock(): string {
  return String(Math.floor(Math.random() * 90) + 10);
}

describe('crm-service: CSV import of leads', () => {
  let crm: CrmTestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    crm = await startCrmTestApp();
    tenant = await createTestTenant(crm.db, 'Importadora');
  });

  afterAll(async () => {
    // The imports above leave tens of thousands of events in the outbox: relay them all before this crm-service
    // stops, so the suites after this one (which share the database) do not wait behind them for their own events.
    await waitFor(
      async () => {
        const [row] = (await crm.db.query(
          `SELECT count(*)::int AS n FROM crm.outbox WHERE published_at IS NULL`,
        )) as {
          n: number;
        }[];
        return row!.n === 0;
      },
      { what: 'the outbox to drain', timeoutMs: 280_000, intervalMs: 500 },
    );
    await crm.close();
    // Nor behind these tens of thousands of lead events on the shared stream: a service started later (automation's
    // lead.created consumer) would handle them all before the events of its own test.
    const nats = await connect({ servers: process.env.NATS_URL! });
    const streams = await nats.jetstreamManager();
    for (const filter of [Events.leadCreated, Events.leadAssigned]) {
      await streams.streams.purge(streamFor(filter).name, { filter });
    }
    await nats.close();
  }, 300_000);

  async function upload(t: TestTenant, rows: string[][], partSize = 1000) {
    const job = await crm.rpc.call(Rpc.crm.createLeadImport, {
      tenantId: t.tenantId,
      createdBy: t.users.ceo.id,
      fileName: 'leads.csv',
      header: HEADER,
      totalRows: rows.length,
    });
    for (let start = 0; start < rows.length; start += partSize) {
      await crm.rpc.call(Rpc.crm.appendLeadImportRows, {
        tenantId: t.tenantId,
        importId: job.id,
        firstRow: start + 1,
        rows: rows.slice(start, start + partSize),
      });
    }
    return crm.rpc.call(Rpc.crm.sealLeadImport, { tenantId: t.tenantId, importId: job.id });
  }

  async function finished(t: TestTenant, importId: string, timeoutMs = 60_000): Promise<LeadImportView> {
    return waitFor(
      async () => {
        const view = await crm.rpc.call(Rpc.crm.getLeadImport, { tenantId: t.tenantId, importId });
        return view.status === 'done' || view.status === 'failed' ? view : undefined;
      },
      { what: 'the import to finish', timeoutMs, intervalMs: 200 },
    );
  }

  async function allRejects(t: TestTenant, importId: string) {
    const page = await crm.rpc.call(Rpc.crm.leadImportRejects, { tenantId: t.tenantId, importId });
    return page.items;
  }

  it('imports 200 rows: bad rows rejected, duplicates reported, the rest round-robin with their events', async () => {
    const t = await createTestTenant(crm.db, 'Importadora 200');
    const secondSetter = await createUser(crm.db, {
      tenantId: t.tenantId,
      email: `setter2-${t.tenantId.slice(0, 8)}@test.crmventas.test`,
      name: 'Segunda Setter',
      role: 'setter',
      password: TEST_PASSWORD,
    });
    const block = phoneBlock();
    const phone = (i: number) => `55 ${block}${String(i).padStart(6, '0')}`;
    const existing = await crm.rpc.call(Rpc.crm.createLead, {
      tenantId: t.tenantId,
      name: 'Cliente Existente',
      phone: `+52155${block}000070`,
      email: 'existente@example.com',
      leadSource: 'MANUAL',
      assignedUserId: t.users.ceo.id,
    });
    const rows: string[][] = [];
    for (let i = 1; i <= 200; i++) {
      rows.push([`Persona ${i}`, phone(i), `persona${i}@Example.com`, 'vip, feria', `nota ${i}`]);
    }
    rows[9][0] = ''; // row 10: no name
    rows[19][0] = '   '; // row 20: blank name
    rows[29][1] = 'abc'; // row 30: not a phone
    rows[39][2] = 'x@'; // row 40: not an email
    rows[49][1] = phone(5); // row 50: same phone as row 5
    rows[59][2] = 'persona6@example.com'; // row 60: same email as row 6
    rows[69][1] = `(55) ${block}00 0070`; // row 70: the existing lead's phone, written another way
    rows[79] = ['Persona 80', phone(80)]; // row 80: two cells instead of five
    rows[89][2] = 'EXISTENTE@example.com'; // row 90: the existing lead's email

    const uploaded = await upload(t, rows, 64);
    expect(uploaded.import).toMatchObject({ status: 'uploaded', totalRows: 200, header: HEADER });
    expect(uploaded.preview).toHaveLength(5);
    expect(uploaded.preview[0]).toEqual(rows[0]);

    const started = await crm.rpc.call(Rpc.crm.startLeadImport, {
      tenantId: t.tenantId,
      importId: uploaded.import.id,
      mapping: MAPPING,
    });
    expect(started.status).toBe('running');
    const done = await finished(t, uploaded.import.id);
    expect(done).toMatchObject({
      status: 'done',
      processedRows: 200,
      created: 191,
      duplicates: 4,
      rejected: 5,
      createdBy: t.users.ceo.id,
    });
    expect(done.created + done.duplicates + done.rejected).toBe(200);

    const rejects = await allRejects(t, uploaded.import.id);
    expect(rejects.map((r) => [r.rowNumber, r.reason])).toEqual([
      [10, 'name_missing'],
      [20, 'name_missing'],
      [30, 'phone_invalid'],
      [40, 'email_invalid'],
      [50, 'duplicate_in_file'],
      [60, 'duplicate_in_file'],
      [70, 'duplicate_existing'],
      [80, 'column_count'],
      [90, 'duplicate_existing'],
    ]);
    expect(rejects[4].duplicateOfRow).toBe(5);
    expect(rejects[5].duplicateOfRow).toBe(6);
    expect(rejects[6].leadName).toBe('Cliente Existente');
    expect(rejects[8].leadName).toBe('Cliente Existente');
    expect(rejects[7].cells).toEqual(['Persona 80', phone(80)]);

    // The existing lead was not touched.
    const [untouched] = await crm.db.query(`SELECT name, email, updated_at FROM crm.leads WHERE id = $1`, [
      existing.id,
    ]);
    expect(untouched).toMatchObject({ name: 'Cliente Existente', email: 'existente@example.com' });
    expect(untouched.updated_at.toISOString()).toBe(existing.updatedAt);

    const leads: { name: string; phone: string; email: string; tags: string[]; lead_source: string }[] =
      await crm.db.query(
        `SELECT name, phone, email, tags, lead_source FROM crm.leads WHERE tenant_id = $1 AND id <> $2`,
        [t.tenantId, existing.id],
      );
    expect(leads).toHaveLength(191);
    expect(leads.find((l) => l.name === 'Persona 1')).toEqual({
      name: 'Persona 1',
      phone: `+52155${block}000001`,
      email: 'persona1@example.com',
      tags: ['vip', 'feria'],
      lead_source: 'IMPORT',
    });

    // One lead.created per created lead, in row order, carrying its setter (no lead.assigned); setters alternate.
    const outbox: {
      subject: string;
      payload: { leadId: string; assignedUserId?: string; leadSource?: string };
    }[] = await crm.db.query(
      `SELECT subject, payload FROM crm.outbox
        WHERE tenant_id = $1 AND payload->>'leadId' <> $2 ORDER BY created_at, id`,
      [t.tenantId, existing.id],
    );
    const created = outbox.filter((e) => e.subject === 'evt.crm.lead.created');
    expect(outbox.map((e) => e.subject)).toEqual(created.map(() => 'evt.crm.lead.created'));
    expect(created).toHaveLength(191);
    expect(created.every((e) => e.payload.leadSource === 'IMPORT')).toBe(true);
    const stored: { id: string; assigned_user_id: string }[] = await crm.db.query(
      `SELECT id, assigned_user_id FROM crm.leads WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
      [t.tenantId, created.map((e) => e.payload.leadId)],
    );
    const setterOf = new Map(stored.map((lead) => [lead.id, lead.assigned_user_id]));
    expect(created.every((e) => e.payload.assignedUserId === setterOf.get(e.payload.leadId))).toBe(true);
    const turns = created.map((e) => e.payload.assignedUserId);
    expect(new Set(turns)).toEqual(new Set([t.users.setter.id, secondSetter]));
    for (let i = 1; i < turns.length; i++) expect(turns[i]).not.toBe(turns[i - 1]);
    const shares = [t.users.setter.id, secondSetter].map((id) => turns.filter((to) => to === id).length);
    expect(shares.sort()).toEqual([95, 96]);

    // Each created lead's history (the lead 360 timeline) starts as a typed-in lead's does: created by the importer,
    // then its round-robin turn, to the same setter as the event.
    const history: { kind: string; actor: string | null; to: string | null; reason: string | null }[] =
      await crm.db.query(
        `SELECT kind, actor_user_id AS actor, details->>'to' AS to, details->>'reason' AS reason
           FROM crm.lead_activity WHERE tenant_id = $1 AND lead_id <> $2 ORDER BY id`,
        [t.tenantId, existing.id],
      );
    expect(history.filter((h) => h.kind === 'created')).toHaveLength(191);
    expect(history.filter((h) => h.kind === 'created').every((h) => h.actor === t.users.ceo.id)).toBe(true);
    const assignedHistory = history.filter((h) => h.kind === 'assigned');
    expect(assignedHistory.map((h) => h.to)).toEqual(turns);
    expect(assignedHistory.every((h) => h.reason === 'round_robin' && h.actor === null)).toBe(true);

    // Staged rows are gone once the job is done; the rejects keep their copy.
    const [{ staged }] = await crm.db.query(
      `SELECT count(*)::int AS staged FROM crm.lead_import_rows WHERE import_id = $1`,
      [uploaded.import.id],
    );
    expect(staged).toBe(0);
    const recent = await crm.rpc.call(Rpc.crm.listLeadImports, { tenantId: t.tenantId });
    expect(recent.map((job) => job.id)).toEqual([uploaded.import.id]);
  });

  it('refuses a mapping without name or phone, a column that does not exist, and starting twice', async () => {
    const uploaded = await upload(tenant, [['Ana', '5512345678', '', '', '']]);
    const importId = uploaded.import.id;
    const call = (mapping: LeadImportMapping) =>
      crm.rpc.call(Rpc.crm.startLeadImport, {
        tenantId: tenant.tenantId,
        importId,
        mapping: mapping as { name: number; phone: number },
      });
    expect((await rpcError(call({ name: 0 }))).code).toBe('VALIDATION');
    expect((await rpcError(call({ name: 0, phone: 7 }))).code).toBe('VALIDATION');
    expect((await rpcError(call({ name: 0, phone: 0 }))).code).toBe('VALIDATION');
    await call({ name: 0, phone: 1 });
    expect((await rpcError(call({ name: 0, phone: 1 }))).code).toBe('CONFLICT');
    expect((await finished(tenant, importId)).created).toBe(1);
  });

  it('another tenant cannot read, start or append to the import', async () => {
    const other = await createTestTenant(crm.db, 'Otra');
    const uploaded = await upload(tenant, [['Beto', `55${phoneBlock()}123456`, '', '', '']]);
    const importId = uploaded.import.id;
    const refusal = await rpcError(
      crm.rpc.call(Rpc.crm.getLeadImport, { tenantId: other.tenantId, importId }),
    );
    expect(refusal.code).toBe('NOT_FOUND');
    expect(
      (
        await rpcError(
          crm.rpc.call(Rpc.crm.startLeadImport, { tenantId: other.tenantId, importId, mapping: MAPPING }),
        )
      ).code,
    ).toBe('NOT_FOUND');
    expect(
      (
        await rpcError(
          crm.rpc.call(Rpc.crm.appendLeadImportRows, {
            tenantId: other.tenantId,
            importId,
            firstRow: 1,
            rows: [['x']],
          }),
        )
      ).code,
    ).toBe('NOT_FOUND');
  });

  it('a file whose rows did not all arrive cannot be sealed', async () => {
    const job = await crm.rpc.call(Rpc.crm.createLeadImport, {
      tenantId: tenant.tenantId,
      createdBy: tenant.users.ceo.id,
      header: HEADER,
      totalRows: 3,
    });
    await crm.rpc.call(Rpc.crm.appendLeadImportRows, {
      tenantId: tenant.tenantId,
      importId: job.id,
      firstRow: 1,
      rows: [['a', '1', '', '', '']],
    });
    const error = await rpcError(
      crm.rpc.call(Rpc.crm.sealLeadImport, { tenantId: tenant.tenantId, importId: job.id }),
    );
    expect(error).toMatchObject({ code: 'VALIDATION', message: 'received 1 of 3 rows' });
  });

  it('resumes after a replica died mid-import, without importing a row twice', async () => {
    const t = await createTestTenant(crm.db, 'Importadora caída');
    const block = phoneBlock();
    const rows = Array.from({ length: 2500 }, (_, i) => [
      `Persona ${i + 1}`,
      `55${block}${String(i).padStart(6, '0')}`,
      '',
      '',
      '',
    ]);
    const uploaded = await upload(t, rows);
    const importId = uploaded.import.id;
    // A replica claimed the job, committed its first batch and died holding the lease.
    await crm.db.query(
      `UPDATE crm.lead_imports SET status = 'running', mapping = $2, started_at = now(), attempts = 1,
              lease_owner = 'crashed-replica', locked_until = now() + interval '1 hour'
        WHERE id = $1`,
      [importId, JSON.stringify(MAPPING)],
    );
    const batch = crm.app.get(LeadImportBatch);
    expect(await batch.runNext(t.tenantId, importId, 'crashed-replica', 60_000)).toBe(1000);
    // Not ours: a replica without the lease cannot commit a batch.
    await expect(batch.runNext(t.tenantId, importId, 'someone-else', 60_000)).rejects.toThrow('lease lost');
    expect(
      (await crm.rpc.call(Rpc.crm.getLeadImport, { tenantId: t.tenantId, importId })).processedRows,
    ).toBe(1000);
    // The lease expires; the live replica takes over and finishes.
    await crm.db.query(`UPDATE crm.lead_imports SET locked_until = now() WHERE id = $1`, [importId]);
    const done = await finished(t, importId);
    expect(done).toMatchObject({
      status: 'done',
      processedRows: 2500,
      created: 2500,
      duplicates: 0,
      rejected: 0,
    });
    const [{ leads, phones }] = await crm.db.query(
      `SELECT count(*)::int AS leads, count(DISTINCT phone)::int AS phones FROM crm.leads WHERE tenant_id = $1`,
      [t.tenantId],
    );
    expect({ leads, phones }).toEqual({ leads: 2500, phones: 2500 });
    const [{ events }] = await crm.db.query(
      `SELECT count(*)::int AS events FROM crm.outbox WHERE tenant_id = $1 AND subject = 'evt.crm.lead.created'`,
      [t.tenantId],
    );
    expect(events).toBe(2500);
  });

  it('two replicas share the work of 10,000 rows and create each lead once', async () => {
    const second = await startCrmTestApp();
    try {
      const t = await createTestTenant(crm.db, 'Importadora grande');
      const block = phoneBlock();
      const rows = Array.from({ length: 10_000 }, (_, i) => [
        `Persona ${i + 1}`,
        `+52 1 55 ${block}${String(i).padStart(6, '0')}`,
        `p${i}-${randomUUID().slice(0, 4)}@example.com`,
        'feria',
        '',
      ]);
      rows[9_999][1] = rows[0][1]; // the last row repeats the first one's phone
      const uploaded = await upload(t, rows, 2000);
      await crm.rpc.call(Rpc.crm.startLeadImport, {
        tenantId: t.tenantId,
        importId: uploaded.import.id,
        mapping: MAPPING,
      });
      const done = await finished(t, uploaded.import.id, 90_000);
      expect(done).toMatchObject({ status: 'done', created: 9_999, duplicates: 1, rejected: 0 });
      const [{ leads }] = await crm.db.query(
        `SELECT count(*)::int AS leads FROM crm.leads WHERE tenant_id = $1`,
        [t.tenantId],
      );
      expect(leads).toBe(9_999);
      expect((await allRejects(t, uploaded.import.id))[0]).toMatchObject({
        rowNumber: 10_000,
        reason: 'duplicate_in_file',
        duplicateOfRow: 1,
      });
    } finally {
      await second.close();
    }
  });
});
