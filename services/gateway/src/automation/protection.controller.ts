import { Controller, Get, Patch } from '@nestjs/common';
import { ApiBody, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OmitType } from '@nestjs/swagger';
import {
  MODULE_ROLES,
  Rpc,
  UpdateProtectionSettingsRequest,
  type ProtectionSettingsView,
} from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { Roles, Session } from '../auth/auth.decorators';
import type { SessionContext } from '../auth/session';
import { ApiFromContract } from '../http/api-from-contract';
import { ValidBody } from '../http/validated-body';

/** Body of `PATCH /crm/marketing/automation/protection`. */
@ApiFromContract({
  marketingPerContact: { example: 1 },
  capHours: { example: 24 },
  sendWindow: {
    description: 'Days 0 = Sunday … 6, HH:MM start and end in the recipient’s timezone; null = default',
  },
})
export class UpdateProtectionBody extends OmitType(UpdateProtectionSettingsRequest, ['tenantId'] as const) {}

/** Recipient protection of HSM automation: the marketing frequency cap and the tenant's default send window. */
@ApiTags('automation')
@ApiCookieAuth()
@Roles(...MODULE_ROLES.automation)
@Controller('crm/marketing/automation/protection')
export class ProtectionController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @ApiOperation({ summary: 'Frequency cap and default send window' })
  @ApiOkResponse({ description: 'ProtectionSettingsView' })
  get(@Session() session: SessionContext): Promise<ProtectionSettingsView> {
    return this.rpc.call(Rpc.automation.getProtection, { tenantId: session.tenantId });
  }

  @Patch()
  @ApiOperation({ summary: 'Change the frequency cap or the default send window' })
  @ApiBody({ type: UpdateProtectionBody })
  @ApiOkResponse({ description: 'ProtectionSettingsView' })
  update(
    @Session() session: SessionContext,
    @ValidBody(UpdateProtectionBody) body: UpdateProtectionBody,
  ): Promise<ProtectionSettingsView> {
    return this.rpc.call(Rpc.automation.updateProtection, { ...body, tenantId: session.tenantId });
  }
}
