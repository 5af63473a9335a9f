import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AccessChangesRequest,
  CreateSessionRequest,
  GetUserRequest,
  RevokeSessionsRequest,
  Rpc,
  type RpcReply,
} from '@crm/contracts';
import { SessionsService } from './sessions.service';

@Controller()
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @MessagePattern(Rpc.crm.createSession)
  create(@Payload() request: CreateSessionRequest): Promise<RpcReply<typeof Rpc.crm.createSession>> {
    return this.sessions.create(request.tenantId, request.userId, request.ttlSeconds, request.userAgent);
  }

  @MessagePattern(Rpc.crm.listSessions)
  list(@Payload() request: GetUserRequest): Promise<RpcReply<typeof Rpc.crm.listSessions>> {
    return this.sessions.list(request.tenantId, request.userId);
  }

  @MessagePattern(Rpc.crm.revokeSessions)
  revoke(@Payload() request: RevokeSessionsRequest): Promise<RpcReply<typeof Rpc.crm.revokeSessions>> {
    return this.sessions.revoke(request.tenantId, request.userId, {
      only: request.sessionId,
      except: request.exceptSessionId,
    });
  }

  @MessagePattern(Rpc.crm.accessChanges)
  accessChanges(@Payload() request: AccessChangesRequest): Promise<RpcReply<typeof Rpc.crm.accessChanges>> {
    return this.sessions.recentAccessChanges(request.windowSeconds);
  }
}
