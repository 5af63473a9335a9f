import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { SendWindowInput } from './automation-rules';
import { TenantRequest } from './common';

/** `PATCH /crm/marketing/automation/protection`: the frequency cap and the tenant's default send window. */
export class UpdateProtectionSettingsRequest extends TenantRequest {
  @IsOptional() @IsInt() @Min(1) @Max(100) marketingPerContact?: number;
  @IsOptional() @IsInt() @Min(1) @Max(720) capHours?: number;
  /** `null` goes back to the service default. */
  @IsOptional() @ValidateNested() @Type(() => SendWindowInput) sendWindow?: SendWindowInput | null;
}
