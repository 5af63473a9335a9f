import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { LeadTimelineRequest, Rpc, type RpcReply } from '@crm/contracts';
import { LeadTimelineService } from './lead-timeline.service';

@Controller()
export class Lead360Controller {
  constructor(private readonly timeline: LeadTimelineService) {}

  @MessagePattern(Rpc.crm.leadTimeline)
  leadTimeline(@Payload() request: LeadTimelineRequest): Promise<RpcReply<typeof Rpc.crm.leadTimeline>> {
    return this.timeline.timeline(request);
  }
}
