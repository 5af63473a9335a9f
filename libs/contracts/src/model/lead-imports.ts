import type { IsoInstant } from './common';

/** What `POST /crm/leads/imports` accepts (the gateway says so in its 400/413 answers). */
export const LEAD_IMPORT_LIMITS = { maxBytes: 5 * 1024 * 1024, maxRows: 20_000, maxColumns: 100 } as const;

/**
 * A CSV import of leads: `receiving` (the gateway is still sending its rows), `uploaded` (waiting for the column
 * mapping), `running` (rows are being turned into leads in batches), `done`, or `failed` (gave up; every batch
 * that committed stays committed, nothing else was written).
 */
export const LEAD_IMPORT_STATUSES = ['receiving', 'uploaded', 'running', 'done', 'failed'] as const;
export type LeadImportStatus = (typeof LEAD_IMPORT_STATUSES)[number];

/** Lead fields a CSV column can be mapped to. `name` and `phone` are required (a lead always has a phone). */
export const LEAD_IMPORT_FIELDS = ['name', 'phone', 'email', 'tags', 'notes', 'source'] as const;
export type LeadImportField = (typeof LEAD_IMPORT_FIELDS)[number];
/** Field → 0-based column index. */
export type LeadImportMapping = Partial<Record<LeadImportField, number>>;

/** Why a row was not imported (the rejects report and the UI translate the code). */
export const LEAD_IMPORT_REJECT_REASONS = [
  'column_count',
  'name_missing',
  'phone_missing',
  'phone_invalid',
  'email_invalid',
  'notes_too_long',
  'too_many_tags',
  'duplicate_in_file',
  'duplicate_existing',
] as const;
export type LeadImportRejectReason = (typeof LEAD_IMPORT_REJECT_REASONS)[number];

/** Why a whole file is refused (400 `details.reason`; the UI translates it). */
export const LEAD_IMPORT_FILE_ERRORS = [
  'not_utf8',
  'empty',
  'no_rows',
  'too_large',
  'too_many_rows',
  'too_many_columns',
  'malformed',
] as const;
export type LeadImportFileError = (typeof LEAD_IMPORT_FILE_ERRORS)[number];

export type LeadImportView = {
  id: string;
  status: LeadImportStatus;
  fileName: string | null;
  header: string[];
  totalRows: number;
  /** Rows handled so far (created + duplicates + rejected). */
  processedRows: number;
  created: number;
  duplicates: number;
  rejected: number;
  mapping: LeadImportMapping | null;
  createdBy: string | null;
  createdByName: string | null;
  createdAt: IsoInstant;
  startedAt: IsoInstant | null;
  finishedAt: IsoInstant | null;
};

/** The answer to an upload: the job and its first rows, to choose the mapping. */
export type LeadImportUpload = { import: LeadImportView; preview: string[][] };

/** A rejected (or duplicate) row: its 1-based data row number, its cells as read, and why. */
export type LeadImportReject = {
  rowNumber: number;
  cells: string[];
  reason: LeadImportRejectReason;
  /** `duplicate_existing`: the lead's name; `duplicate_in_file`: the earlier row's number. */
  leadName?: string;
  duplicateOfRow?: number;
};

export type LeadImportRejectPage = { header: string[]; items: LeadImportReject[]; nextAfter: number | null };
