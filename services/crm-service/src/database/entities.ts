import { ProcessedEventEntity } from '../inbound/processed-event.entity';
import { LeadEntity } from '../leads/lead.entity';
import { OpportunityEntity } from '../leads/opportunity.entity';
import { SalesTransactionEntity } from '../leads/sales-transaction.entity';
import { OutboxMessageEntity } from '../outbox/outbox-message.entity';
import { PipelineStageEntity } from '../pipeline/pipeline-stage.entity';
import { TenantEntity } from '../tenancy/tenant.entity';
import { UserEntity } from '../tenancy/user.entity';

export const CRM_ENTITIES = [
  TenantEntity,
  UserEntity,
  PipelineStageEntity,
  LeadEntity,
  OpportunityEntity,
  SalesTransactionEntity,
  OutboxMessageEntity,
  ProcessedEventEntity,
];
