import { OmitType, PickType } from '@nestjs/swagger';
import { SignupRequest, VerifyCredentialsRequest } from '@crm/contracts';
import { ApiFromContract } from '../http/api-from-contract';

/** Body of `POST /crm/auth/login`. */
@ApiFromContract({ email: { example: 'ceo@inmobiliariasol.mx' }, password: { example: 'demo1234' } })
export class LoginBody extends PickType(VerifyCredentialsRequest, ['email', 'password'] as const) {}

/** Body of `POST /crm/auth/signup`: the whole contract (it carries no tenant: the tenant is being created). */
@ApiFromContract({
  companyName: { example: 'Inmobiliaria Luna' },
  name: { example: 'Laura Méndez' },
  email: { example: 'laura@inmobiliarialuna.mx' },
  password: {
    example: 'luna-2026-ventas',
    description: '≥ 10 characters, letters and digits, not the email name',
  },
  timezone: { example: 'America/Mexico_City', default: 'America/Mexico_City' },
  currency: { example: 'MXN', default: 'MXN' },
  locale: { example: 'es-MX', default: 'es-MX' },
})
export class SignupBody extends OmitType(SignupRequest, [] as const) {}
