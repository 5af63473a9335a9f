import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { raw, type NextFunction, type Request, type Response } from 'express';
import {
  LEAD_IMPORT_LIMITS,
  TEMPLATE_MEDIA_TYPES,
  TEMPLATE_MEDIA_TYPE_LIST,
  isTemplateMediaType,
} from '@crm/contracts';
import { sampleTooLarge } from '../automation/template-media-samples';
import { SESSION_COOKIE } from '../auth/session';
import type { GatewayConfig } from '../config';
import { accessLog } from './access-log';
import { GatewayHttpError } from './http-error';
import { HttpErrorFilter } from './http-error.filter';
import { toHttpError } from './http-error';
import { loopbackRedirect } from './loopback-redirect';
import { rejectNulCharacters } from './reject-nul';
import { staticFrontend } from './static-frontend';

/** Largest JSON body accepted from the browser. */
export const BODY_LIMIT = '1mb';

/**
 * Largest Meta webhook body accepted (a WhatsApp batch can reach a few MB). Each part published to NATS is at most
 * about this size, so NATS `max_payload` must be larger (8 MB in docker-compose, the tests and the demo).
 */
export const WEBHOOK_BODY_LIMIT = '4mb';

/** The CSV uploads (`POST /crm/leads/imports`, `/crm/marketing/fx-rates/import`): their bytes, at most 5 MB, refused with a reason the UI knows. */
function csvBody() {
  const parser = raw({ type: 'text/csv', limit: LEAD_IMPORT_LIMITS.maxBytes });
  const mb = LEAD_IMPORT_LIMITS.maxBytes / (1024 * 1024);
  return (request: Request, response: Response, next: NextFunction): void => {
    parser(request, response, (error?: unknown) => {
      if ((error as { type?: string } | undefined)?.type === 'entity.too.large') {
        next(
          new GatewayHttpError(
            413,
            'VALIDATION',
            `the file is larger than ${mb} MB: split it and import each part`,
            {
              reason: 'too_large',
              maxBytes: LEAD_IMPORT_LIMITS.maxBytes,
            },
          ),
        );
      } else {
        next(error);
      }
    });
  };
}

/**
 * A template's media sample (`POST /crm/marketing/automation/templates/media-samples`): its bytes when its type is one
 * of ours, within that type's limit (413 otherwise). Other types are left unread: the route answers 415.
 */
function mediaSampleBody() {
  const parsers = new Map(
    TEMPLATE_MEDIA_TYPE_LIST.map((type) => [type, raw({ type, limit: TEMPLATE_MEDIA_TYPES[type].maxBytes })]),
  );
  return (request: Request, response: Response, next: NextFunction): void => {
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!isTemplateMediaType(type)) {
      next();
      return;
    }
    parsers.get(type)!(request, response, (error?: unknown) => {
      if ((error as { type?: string } | undefined)?.type === 'entity.too.large') next(sampleTooLarge(type));
      else next(error);
    });
  };
}

function trustProxyValue(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** Everything HTTP-specific of the gateway, applied before the app starts listening. */
export function configureHttp(app: NestExpressApplication, config: GatewayConfig): void {
  const logger = new Logger('HTTP');
  const express = app.getHttpAdapter().getInstance();
  express.disable('x-powered-by');
  if (config.TRUST_PROXY) app.set('trust proxy', trustProxyValue(config.TRUST_PROXY));

  app.use(accessLog(logger));
  app.use((request: Request, response: Response, next: NextFunction) => {
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'same-origin');
    response.setHeader('X-Frame-Options', 'DENY');
    if (request.path.toLowerCase().startsWith('/crm/')) response.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(loopbackRedirect(config.PUBLIC_URL));
  app.use(cookieParser());
  // Webhooks are read as bytes (signature on the raw body, then parsed without losing digits): `req.body` is a
  // Buffer there and the JSON parser below skips them.
  app.use('/webhooks/meta', raw({ type: 'application/json', limit: WEBHOOK_BODY_LIMIT }));
  app.use('/crm/leads/imports', csvBody());
  app.use('/crm/marketing/automation/templates/media-samples', mediaSampleBody());
  app.use('/crm/marketing/fx-rates/import', csvBody());
  // Registered before Nest's defaults so the limit applies.
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: BODY_LIMIT, extended: false });
  // Body parser failures (bad JSON, too large) get the same error shape as everything else.
  app.use((error: unknown, _request: Request, response: Response, next: NextFunction) => {
    if (response.headersSent) {
      next(error);
      return;
    }
    const { body, internal } = toHttpError(error);
    if (internal) logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    response.status(body.statusCode).type('application/json').send(JSON.stringify(body));
  });
  app.use(rejectNulCharacters);
  app.useGlobalFilters(new HttpErrorFilter());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('CRM Ventas API')
      .setDescription(
        'The browser API of CRM Ventas. Sign in with POST /crm/auth/login; the session travels in the ' +
          `httpOnly \`${SESSION_COOKIE}\` cookie. Errors are { statusCode, code, message, details? }.`,
      )
      .setVersion('1.0')
      .addCookieAuth(SESSION_COOKIE)
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document);

  app.use(staticFrontend(config.FRONTEND_DIST));
}
