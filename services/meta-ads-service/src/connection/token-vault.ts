import { Injectable } from '@nestjs/common';
import { decryptSecret, encryptSecret, parseEncryptionKey } from '@crm/nest-common';
import { MetaAdsConfig } from '../config';

/** Seals Meta tokens at rest with AES-256-GCM; the tenant id is the AAD, so a row copied to another tenant fails. */
@Injectable()
export class TokenVault {
  private readonly key: Buffer;

  constructor(config: MetaAdsConfig) {
    this.key = parseEncryptionKey(config.TOKEN_ENCRYPTION_KEY);
  }

  seal(tenantId: string, token: string): string {
    return encryptSecret(token, this.key, tenantId);
  }

  open(tenantId: string, sealed: string): string {
    return decryptSecret(sealed, this.key, tenantId);
  }
}
