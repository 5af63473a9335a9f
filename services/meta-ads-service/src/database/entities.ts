import { AdEntity } from '../ads/ad.entity';
import { InsightsCacheEntity } from '../ads/insights-cache.entity';
import { ConnectionEntity } from '../connection/connection.entity';
import { OauthStateEntity } from '../connection/oauth-state.entity';
import { PendingLeadgenEntity } from '../webhooks/pending-leadgen.entity';
import { WebhookReceiptEntity } from '../webhooks/webhook-receipt.entity';
import { SendEntity } from '../whatsapp/send.entity';
import { TemplateEntity } from '../whatsapp/template.entity';

export const META_ADS_ENTITIES = [
  ConnectionEntity,
  OauthStateEntity,
  TemplateEntity,
  SendEntity,
  InsightsCacheEntity,
  AdEntity,
  WebhookReceiptEntity,
  PendingLeadgenEntity,
];
