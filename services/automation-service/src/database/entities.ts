import { RuleEntity } from '../rules/rule.entity';
import { SendEventEntity } from '../sends/send-event.entity';
import { SendEntity } from '../sends/send.entity';

export const AUTOMATION_ENTITIES = [RuleEntity, SendEntity, SendEventEntity];
