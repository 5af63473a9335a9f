import type { LeadStatus } from '@crm/contracts/browser';
import { useTranslation } from 'react-i18next';
import { Badge, type BadgeTone } from '../../components/badge';

const STATUS_TONES: Record<LeadStatus, BadgeTone> = {
  nuevo: 'info',
  contactado: 'accent',
  calificado: 'accent',
  llamada_agendada: 'warning',
  negociacion: 'warning',
  cerrado_ganado: 'success',
  cerrado_perdido: 'danger',
};

export function LeadStatusBadge({ status }: { status: LeadStatus }) {
  const { t } = useTranslation();
  return <Badge tone={STATUS_TONES[status]}>{t(`leadStatus.${status}`)}</Badge>;
}
