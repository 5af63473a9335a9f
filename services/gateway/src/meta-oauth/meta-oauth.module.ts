import { Module } from '@nestjs/common';
import { MetaOauthController } from './meta-oauth.controller';
import { MetaOauthService } from './meta-oauth.service';

/** Connect a tenant to Meta: consent URL, callback (code exchange via passport-facebook), disconnect. */
@Module({ controllers: [MetaOauthController], providers: [MetaOauthService] })
export class MetaOauthModule {}
