import { PickType } from '@nestjs/swagger';
import { VerifyCredentialsRequest } from '@crm/contracts';
import { ApiFromContract } from '../http/api-from-contract';

/** Body of `POST /crm/auth/login`. */
@ApiFromContract({ email: { example: 'ceo@inmobiliariasol.mx' }, password: { example: 'demo1234' } })
export class LoginBody extends PickType(VerifyCredentialsRequest, ['email', 'password'] as const) {}
