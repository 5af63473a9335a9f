import type { TemplateStatusChangedEvent } from '@crm/contracts';
import type { TemplateEntity } from './template.entity';

/** What a status, quality or category webhook says about one template (REFERENCE §7.7). */
export type TemplateWebhookUpdate = {
  templateId?: string;
  name?: string;
  language?: string;
  /** Meta's time of the change (`entry.time`). */
  at: Date;
} & (
  | {
      kind: 'status';
      event: string;
      reason: string | null;
      rejectionInfo: { reason: string; recommendation: string | null } | null;
      /** `other_info.title`/`description` (paused, locked, unpaused). */
      otherInfo: { title: string | null; description: string | null } | null;
    }
  | { kind: 'quality'; score: string }
  | { kind: 'category'; newCategory: string; previousCategory: string | null }
);

export type TemplateUpdateOutcome = 'applied' | 'stale' | 'unchanged' | 'unknown';

/** The template's state after an update, or why nothing changes. */
export type TemplateState = Pick<
  TemplateEntity,
  | 'templateId'
  | 'name'
  | 'language'
  | 'status'
  | 'category'
  | 'previousCategory'
  | 'qualityScore'
  | 'qualityUpdatedAt'
  | 'reason'
  | 'rejectionInfo'
  | 'statusUpdatedAt'
  | 'tenantId'
>;

/**
 * Events that do not change the status itself: FLAGGED warns before a pause (the template still sends),
 * REINSTATED/UNARCHIVED bring it back to APPROVED.
 */
const STATUS_OF_EVENT: Record<string, string | null> = {
  FLAGGED: null,
  REINSTATED: 'APPROVED',
  UNARCHIVED: 'APPROVED',
};

export const keyOf = (row: { name: string; language: string }): string => `${row.name}\u0000${row.language}`;

/** Meta says `NONE` (or nothing) when there is no reason. */
export function meaningfulReason(reason: string | null | undefined): string | null {
  if (typeof reason !== 'string') return null;
  const trimmed = reason.trim();
  return trimmed === '' || trimmed.toUpperCase() === 'NONE' ? null : trimmed;
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Apply a webhook to the stored template. Status updates are ordered by `statusUpdatedAt`, quality updates by
 * `qualityUpdatedAt`: an update older than the stored one is `stale`; equal timestamps apply (Meta's time has
 * second precision). An update that changes nothing is `unchanged` (a redelivered webhook is not published twice).
 */
export function applyUpdate(
  row: TemplateState,
  update: TemplateWebhookUpdate,
): TemplateState | 'stale' | 'unchanged' {
  if (update.kind === 'quality') {
    if (row.qualityUpdatedAt && update.at.getTime() < row.qualityUpdatedAt.getTime()) return 'stale';
    if (row.qualityScore === update.score) return 'unchanged';
    return { ...row, qualityScore: update.score, qualityUpdatedAt: update.at };
  }
  if (row.statusUpdatedAt && update.at.getTime() < row.statusUpdatedAt.getTime()) return 'stale';
  if (update.kind === 'category') {
    if (row.category === update.newCategory) return 'unchanged';
    return {
      ...row,
      category: update.newCategory,
      previousCategory: update.previousCategory ?? row.category,
      statusUpdatedAt: update.at,
    };
  }
  const event = update.event.toUpperCase();
  const mapped = event in STATUS_OF_EVENT ? STATUS_OF_EVENT[event] : event;
  const status = mapped ?? row.status;
  const reason =
    meaningfulReason(update.reason) ??
    meaningfulReason(update.otherInfo?.description) ??
    meaningfulReason(update.otherInfo?.title);
  const rejectionInfo = update.rejectionInfo;
  if (row.status === status && row.reason === reason && sameJson(row.rejectionInfo, rejectionInfo))
    return 'unchanged';
  return { ...row, status, reason, rejectionInfo, statusUpdatedAt: update.at };
}

/** The event published for a template whose status, quality or category changed. */
export function statusEvent(
  row: Pick<
    TemplateState,
    'tenantId' | 'templateId' | 'name' | 'language' | 'status' | 'reason' | 'qualityScore'
  >,
  previousStatus: string | null,
  at: Date,
): TemplateStatusChangedEvent {
  return {
    tenantId: row.tenantId,
    templateId: row.templateId,
    name: row.name,
    language: row.language,
    status: row.status,
    previousStatus,
    reason: row.reason,
    qualityScore: row.qualityScore,
    at: at.toISOString(),
  };
}
