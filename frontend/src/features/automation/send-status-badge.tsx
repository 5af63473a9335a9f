import type { SendState } from '@crm/contracts/browser';
import { useTranslation } from 'react-i18next';
import { Badge, type BadgeTone } from '../../components/badge';

export const SEND_STATUS_TONES: Record<SendState, BadgeTone> = {
  scheduled: 'info',
  sending: 'accent',
  sent: 'accent',
  delivered: 'success',
  read: 'success',
  replied: 'success',
  failed: 'danger',
  skipped: 'neutral',
  unknown: 'warning',
  cancelled: 'neutral',
};

export function SendStatusBadge({ status }: { status: SendState }) {
  const { t } = useTranslation();
  return (
    <Badge tone={SEND_STATUS_TONES[status] ?? 'neutral'} testId="send-status">
      {t(`automation.status.${status}`)}
    </Badge>
  );
}
