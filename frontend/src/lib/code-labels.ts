import { useTranslation } from 'react-i18next';
import { formatLocale } from './format';

/**
 * Codes Meta sends as data (template status and category, Lead Ads form status, phone quality, business
 * verification) shown as words in the UI language. A code we do not know yet is shown as "other (CODE)", never dropped.
 */
export const TEMPLATE_STATUSES = [
  'APPROVED',
  'PENDING',
  'REJECTED',
  'PAUSED',
  'DISABLED',
  'IN_APPEAL',
  'PENDING_DELETION',
  'DELETED',
  'LIMIT_EXCEEDED',
  'ARCHIVED',
] as const;
export const TEMPLATE_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
/** A Lead Ads form's `status` (REFERENCE §6.4). */
export const LEAD_FORM_STATUSES = ['ACTIVE', 'ARCHIVED', 'DELETED', 'DRAFT'] as const;
export const QUALITY_RATINGS = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN'] as const;
export const VERIFICATION_STATUSES = [
  'verified',
  'not_verified',
  'pending',
  'pending_submission',
  'pending_need_more_info',
  'failed',
  'rejected',
  'revoked',
  'expired',
  'ineligible',
] as const;

export function isOneOf<C extends string>(codes: readonly C[], value: string): value is C {
  return (codes as readonly string[]).includes(value);
}

/** The name of a language code in the UI language: `es` → "español", `en_US` → "inglés (Estados Unidos)". */
export function languageName(code: string, locale: string): string {
  try {
    return (
      new Intl.DisplayNames([locale], { type: 'language', fallback: 'code' }).of(code.replace('_', '-')) ??
      code
    );
  } catch {
    return code;
  }
}

export function useCodeLabels() {
  const { t, i18n } = useTranslation();
  const other = (code: string) => t('codes.other', { code });
  return {
    templateStatus: (code: string) =>
      isOneOf(TEMPLATE_STATUSES, code) ? t(`codes.templateStatus.${code}`) : other(code),
    templateCategory: (code: string) =>
      isOneOf(TEMPLATE_CATEGORIES, code) ? t(`codes.templateCategory.${code}`) : other(code),
    leadFormStatus: (code: string) =>
      isOneOf(LEAD_FORM_STATUSES, code) ? t(`codes.leadFormStatus.${code}`) : other(code),
    qualityRating: (code: string) =>
      isOneOf(QUALITY_RATINGS, code) ? t(`codes.qualityRating.${code}`) : other(code),
    verificationStatus: (code: string) =>
      isOneOf(VERIFICATION_STATUSES, code) ? t(`codes.verificationStatus.${code}`) : other(code),
    language: (code: string) => languageName(code, formatLocale(i18n.resolvedLanguage ?? i18n.language)),
  };
}
