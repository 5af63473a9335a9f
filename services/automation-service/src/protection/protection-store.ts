import { Injectable } from '@nestjs/common';
import type { SendWindow } from '@crm/contracts';
import { TenantDatabase, TtlCache } from '@crm/nest-common';

/** A tenant's protection settings; a tenant without a row has these. */
export type ProtectionSettings = {
  /** Marketing templates a contact may get per `capHours`. */
  marketingPerContact: number;
  capHours: number;
  /** The tenant's default send window; null = the service default (`DEFAULT_SEND_WINDOW` unless turned off). */
  sendWindow: SendWindow | null;
};

export const DEFAULT_PROTECTION_SETTINGS: ProtectionSettings = {
  marketingPerContact: 1,
  capHours: 24,
  sendWindow: null,
};

/**
 * How long `settings` reuses a tenant's settings: every due send checks them, and they change rarely. A change made
 * through this replica applies at once; one made through another replica within this time.
 */
export const SETTINGS_TTL_MS = 5_000;

/** Statuses of a send that has left or may have left: it holds its frequency-cap slot. */
const HOLDS_SLOT = `('sending', 'unknown', 'sent', 'delivered', 'read', 'replied')`;

/**
 * `automation.contact_windows`, `automation.frequency_marks` and `automation.protection_settings`: their SQL.
 * Every query runs in a tenant-scoped transaction and filters by tenant.
 */
@Injectable()
export class ProtectionStore {
  private readonly cached = new TtlCache<string, ProtectionSettings>({
    ttlMs: SETTINGS_TTL_MS,
    maxEntries: 10_000,
  });

  constructor(private readonly db: TenantDatabase) {}

  /** The tenant's settings as every send checks them: at most SETTINGS_TTL_MS old. */
  settings(tenantId: string): Promise<ProtectionSettings> {
    // A save made while this read runs is newer than what it saw: the cache keeps the save.
    return this.cached.getOrLoad(tenantId, () => this.readSettings(tenantId));
  }

  /** The tenant's settings as stored now (what the settings page shows and edits). */
  async readSettings(tenantId: string): Promise<ProtectionSettings> {
    const rows: { marketing_per_contact: number; cap_hours: number; send_window: SendWindow | null }[] =
      await this.db.withTenant(tenantId, (db) =>
        db.query(
          `SELECT marketing_per_contact, cap_hours, send_window FROM automation.protection_settings
            WHERE tenant_id = $1`,
          [tenantId],
        ),
      );
    const row = rows[0];
    if (!row) return DEFAULT_PROTECTION_SETTINGS;
    return {
      marketingPerContact: row.marketing_per_contact,
      capHours: row.cap_hours,
      sendWindow: row.send_window,
    };
  }

  async saveSettings(tenantId: string, settings: ProtectionSettings): Promise<void> {
    await this.db.withTenant(tenantId, (db) =>
      db.query(
        `INSERT INTO automation.protection_settings (tenant_id, marketing_per_contact, cap_hours, send_window)
         VALUES ($1, $2, $3, $4::jsonb)
         ON CONFLICT (tenant_id) DO UPDATE SET marketing_per_contact = EXCLUDED.marketing_per_contact,
           cap_hours = EXCLUDED.cap_hours, send_window = EXCLUDED.send_window, updated_at = now()`,
        [
          tenantId,
          settings.marketingPerContact,
          settings.capHours,
          settings.sendWindow ? JSON.stringify(settings.sendWindow) : null,
        ],
      ),
    );
    this.cached.set(tenantId, settings);
  }

  /** An inbound message opens (or extends) the contact's customer-service window until `endsAt`; never shortens it. */
  async recordInbound(tenantId: string, phone: string, at: Date, endsAt: Date): Promise<void> {
    await this.db.withTenant(tenantId, (db) =>
      db.query(
        `INSERT INTO automation.contact_windows (tenant_id, phone, last_inbound_at, window_ends_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, phone) DO UPDATE SET
           last_inbound_at = GREATEST(automation.contact_windows.last_inbound_at, EXCLUDED.last_inbound_at),
           window_ends_at = GREATEST(automation.contact_windows.window_ends_at, EXCLUDED.window_ends_at)`,
        [tenantId, phone, at, endsAt],
      ),
    );
  }

  /** When the contact's customer-service window closes (null: never opened). */
  async windowEndsAt(tenantId: string, phone: string): Promise<Date | null> {
    const rows: { window_ends_at: Date }[] = await this.db.withTenant(tenantId, (db) =>
      db.query(`SELECT window_ends_at FROM automation.contact_windows WHERE tenant_id = $1 AND phone = $2`, [
        tenantId,
        phone,
      ]),
    );
    return rows[0]?.window_ends_at ?? null;
  }

  /**
   * Take one of the contact's marketing slots for this send, or say the cap is reached. Safe across replicas: a
   * transaction-scoped advisory lock on (tenant, phone) serialises the count and the mark, and a mark only counts
   * while its send is `sending` or later (a send that is retried later, skipped or failed gives its slot back).
   * Re-marking the same send (a retried attempt) is idempotent.
   */
  async takeFrequencySlot(
    tenantId: string,
    phone: string,
    sendId: string,
    limit: { perContact: number; hours: number },
  ): Promise<{ taken: true } | { taken: false; used: number }> {
    return this.db.withTenant(tenantId, async (db) => {
      await db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `automation.frequency:${tenantId}:${phone}`,
      ]);
      const rows: { used: number }[] = await db.query(
        `SELECT count(*)::int AS used
           FROM automation.frequency_marks m
           JOIN automation.sends s ON s.tenant_id = m.tenant_id AND s.id = m.send_id
          WHERE m.tenant_id = $1 AND m.phone = $2 AND m.send_id <> $3
            AND m.at > now() - make_interval(hours => $4::int)
            AND s.status IN ${HOLDS_SLOT}`,
        [tenantId, phone, sendId, limit.hours],
      );
      const used = rows[0].used;
      if (used >= limit.perContact) return { taken: false, used };
      await db.query(
        `INSERT INTO automation.frequency_marks (send_id, tenant_id, phone) VALUES ($1, $2, $3)
         ON CONFLICT (send_id) DO UPDATE SET at = now(), phone = EXCLUDED.phone`,
        [sendId, tenantId, phone],
      );
      return { taken: true };
    });
  }

  /**
   * Take one of the rule's slots for this contact (`limits.maxPerContact` per `limits.perDays`; every day so far when
   * `days` is null), or say the limit is reached. The same discipline as `takeFrequencySlot`: a transaction-scoped
   * advisory lock on (tenant, rule, phone) shared by every replica, a mark that counts only while its send is
   * `sending` or later, and an idempotent re-mark for a retried attempt.
   */
  async takeRuleSlot(
    tenantId: string,
    ruleKey: string,
    phone: string,
    sendId: string,
    limit: { max: number; days: number | null },
  ): Promise<{ taken: true } | { taken: false; used: number }> {
    return this.db.withTenant(tenantId, async (db) => {
      await db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `automation.rule-limit:${tenantId}:${ruleKey}:${phone}`,
      ]);
      const rows: { used: number }[] = await db.query(
        `SELECT count(*)::int AS used
           FROM automation.rule_limit_marks m
           JOIN automation.sends s ON s.tenant_id = m.tenant_id AND s.id = m.send_id
          WHERE m.tenant_id = $1 AND m.rule_key = $2 AND m.phone = $3 AND m.send_id <> $4
            AND ($5::int IS NULL OR m.at > now() - make_interval(days => $5::int))
            AND s.status IN ${HOLDS_SLOT}`,
        [tenantId, ruleKey, phone, sendId, limit.days],
      );
      const used = rows[0].used;
      if (used >= limit.max) return { taken: false, used };
      await db.query(
        `INSERT INTO automation.rule_limit_marks (send_id, tenant_id, rule_key, phone) VALUES ($1, $2, $3, $4)
         ON CONFLICT (send_id) DO UPDATE SET at = now(), phone = EXCLUDED.phone`,
        [sendId, tenantId, ruleKey, phone],
      );
      return { taken: true };
    });
  }

  /** The lead's sends still waiting (`scheduled`), with their rule and template, to decide which to cancel. */
  async scheduledOfLead(
    tenantId: string,
    leadId: string,
  ): Promise<
    { id: string; rule_key: string; template_name: string | null; template_language: string | null }[]
  > {
    return this.db.withTenant(tenantId, (db) =>
      db.query(
        `SELECT id, rule_key, template_name, template_language FROM automation.sends
          WHERE tenant_id = $1 AND lead_id = $2 AND status = 'scheduled'`,
        [tenantId, leadId],
      ),
    );
  }

  /** `scheduled` → `cancelled` with one history row each; a send that moved on meanwhile is left alone. */
  async cancelScheduled(tenantId: string, ids: string[], detail: string): Promise<number> {
    if (ids.length === 0) return 0;
    const rows: { count: number }[] = await this.db.withTenant(tenantId, (db) =>
      db.query(
        `WITH cancelled AS (
           UPDATE automation.sends SET status = 'cancelled', updated_at = now()
            WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND status = 'scheduled'
           RETURNING id, tenant_id
         ), history AS (
           INSERT INTO automation.send_events (send_id, tenant_id, status, detail)
           SELECT id, tenant_id, 'cancelled', $3 FROM cancelled
         )
         SELECT count(*)::int AS count FROM cancelled`,
        [tenantId, ids, detail],
      ),
    );
    return rows[0].count;
  }
}
