import { OmitType, PickType } from '@nestjs/swagger';
import { CreateUserRequest, UpdateTenantRequest, UpdateUserRequest } from '@crm/contracts';
import { ApiFromContract } from '../http/api-from-contract';

/** Body of `PATCH /crm/tenant`. */
@ApiFromContract({
  name: { example: 'Inmobiliaria Sol' },
  timezone: { example: 'America/Mexico_City', description: 'IANA timezone' },
  currency: { example: 'MXN', description: 'ISO 4217' },
  locale: { example: 'es-MX' },
})
export class UpdateTenantBody extends OmitType(UpdateTenantRequest, ['tenantId'] as const) {}

/** Body of `POST /crm/users`. */
@ApiFromContract({
  name: { example: 'Carlos Ruiz' },
  email: { example: 'carlos@inmobiliariasol.mx' },
  password: {
    example: 'cierre-2026-sol',
    description: '≥ 10 characters, letters and digits, not the email name',
  },
  phone: {
    example: '+52 55 1234 5678',
    description: "optional; stored in E.164 (a template's seller.phone); 400 when it is not a phone",
  },
})
export class CreateUserBody extends OmitType(CreateUserRequest, ['tenantId'] as const) {}

/** Body of `PATCH /crm/users/:id`. */
@ApiFromContract({
  active: { description: 'false: the user can no longer sign in; open sessions end within 5 s' },
  phone: { example: '+52 55 1234 5678', description: 'E.164 once stored; null removes it' },
})
export class UpdateUserBody extends PickType(UpdateUserRequest, [
  'name',
  'role',
  'active',
  'password',
  'phone',
] as const) {}
