import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import { IANAZone } from 'luxon';
import { TenantRequest } from './common';
import { MAX_OPT_OUT_PHRASE_LENGTH, MAX_OPT_OUT_PHRASES } from './model/crm';
import {
  CURRENCIES,
  LOCALES,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  PASSWORD_PATTERN,
  type Currency,
  type Locale,
} from './model/people';
import { Roles, type Role } from './tenancy';

/** An IANA timezone name luxon knows, e.g. `America/Mexico_City`. */
export function IsIanaTimezone(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIanaTimezone',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && value.length <= 64 && IANAZone.isValidZone(value),
        defaultMessage: () => '$property must be an IANA timezone such as America/Mexico_City',
      },
    },
    options,
  );
}

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

/** Letters and digits, 10–200 characters (the email rule is checked where the email is known). */
function StrongPassword(): PropertyDecorator {
  return (target, property) => {
    IsString()(target, property);
    Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, {
      message: `password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long`,
    })(target, property);
    Matches(PASSWORD_PATTERN, { message: 'password must contain letters and digits' })(target, property);
  };
}

const CURRENCY_MESSAGE = `currency must be one of ${CURRENCIES.join(', ')}`;
const LOCALE_MESSAGE = `locale must be one of ${LOCALES.join(', ')}`;

/** Self-serve sign-up: a new tenant and its ceo. */
export class SignupRequest {
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  companyName!: string;

  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name!: string;

  @IsEmail()
  @MaxLength(254)
  email!: string;

  @StrongPassword()
  password!: string;

  @IsOptional()
  @IsIanaTimezone()
  timezone?: string;

  @IsOptional()
  @IsIn(CURRENCIES, { message: CURRENCY_MESSAGE })
  currency?: Currency;

  @IsOptional()
  @IsIn(LOCALES, { message: LOCALE_MESSAGE })
  locale?: Locale;
}

export class UpdateTenantRequest extends TenantRequest {
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name?: string;

  @IsOptional()
  @IsIanaTimezone()
  timezone?: string;

  @IsOptional()
  @IsIn(CURRENCIES, { message: CURRENCY_MESSAGE })
  currency?: Currency;

  @IsOptional()
  @IsIn(LOCALES, { message: LOCALE_MESSAGE })
  locale?: Locale;

  /** Replaces the tenant's opt-out keywords (an empty list turns keyword opt-out off). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_OPT_OUT_PHRASES)
  @IsString({ each: true })
  @Length(1, MAX_OPT_OUT_PHRASE_LENGTH, { each: true })
  optOutKeywords?: string[];

  /** Replaces the tenant's opt-out button texts. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_OPT_OUT_PHRASES)
  @IsString({ each: true })
  @Length(1, MAX_OPT_OUT_PHRASE_LENGTH, { each: true })
  optOutButtonTexts?: string[];
}

export class CreateUserRequest extends TenantRequest {
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name!: string;

  @IsEmail()
  @MaxLength(254)
  email!: string;

  @IsIn(Roles)
  role!: Role;

  @StrongPassword()
  password!: string;

  /** Any common writing of a phone (the seller's, for templates' `seller.phone`); stored in E.164 (`normalizePhone`). */
  @IsOptional()
  @IsString()
  @Length(1, 40)
  phone?: string | null;
}

export class UpdateUserRequest extends TenantRequest {
  /** Who asks (from the session): a ceo may not deactivate or demote themself. */
  @IsUUID()
  actorUserId!: string;

  /** The actor's session (from the JWT): kept when they change their own password, every other one is revoked. */
  @IsOptional()
  @IsUUID()
  actorSessionId?: string;

  @IsUUID()
  userId!: string;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name?: string;

  @IsOptional()
  @IsIn(Roles)
  role?: Role;

  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @IsOptional()
  @StrongPassword()
  password?: string;

  /** As for `CreateUserRequest`; null removes it. */
  @IsOptional()
  @IsString()
  @Length(1, 40)
  phone?: string | null;
}
