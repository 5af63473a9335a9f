import { Global, Module } from '@nestjs/common';
import { LeadActivityStore } from '../lead-360/lead-activity-store';
import { ConversationStore } from '../chats/conversation-store';
import { MessageStore } from '../chats/message-store';
import { AssignmentCursorStore } from '../leads/assignment-cursor-store';
import { LeadStore } from '../leads/lead-store';
import { OpportunityStore } from '../leads/opportunity-store';
import { SaleStore } from '../leads/sale-store';
import { PipelineStore } from '../pipeline/pipeline-store';
import { AccessChangeStore } from '../sessions/access-change-store';
import { SessionStore } from '../sessions/session-store';
import { TenantStore } from '../tenancy/tenant-store';
import { UserStore } from '../tenancy/user-store';

const STORES = [
  LeadStore,
  AssignmentCursorStore,
  OpportunityStore,
  SaleStore,
  PipelineStore,
  TenantStore,
  UserStore,
  SessionStore,
  AccessChangeStore,
  LeadActivityStore,
  ConversationStore,
  MessageStore,
];

/** The owning store of each table (all its SQL and its row type), for every feature module. */
@Global()
@Module({ providers: STORES, exports: STORES })
export class StoresModule {}
