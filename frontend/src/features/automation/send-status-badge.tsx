import type { SendStatus } from '@crm/contracts/browser';
import { useTranslation } from 'react-i18next';
import { Badge, type BadgeTone } from '../../components/badge';

export const SEND_STATUS_TONES: Record<SendStatus, BadgeTone> = {
  scheduled: 'info',
  sending: 'accent',
  sent: 'accent',
  delivered: 'success',
  read: 'success',
  replied: 'success',
  failed: 'danger',
  skipped: 'neutral',
};

export function SendStatusBadge({ status }: { status: SendStatus }) {
  const { t } = useTranslation();
  return (
    <Badge tone={SEND_STATUS_TONES[status]} testId="send-status">
      {t(`automation.status.${status}`)}
    </Badge>
  );
}
