import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import type { VerifyCredentialsRequest } from '@crm/contracts';

export class LoginBody implements VerifyCredentialsRequest {
  @ApiProperty({ example: 'ceo@inmobiliariasol.mx', maxLength: 254 })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'demo1234', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password!: string;
}
