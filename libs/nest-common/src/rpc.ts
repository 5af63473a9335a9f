import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Inject,
  Injectable,
  Logger,
  ValidationPipe,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ClientProxy, RpcException } from '@nestjs/microservices';
import { firstValueFrom, throwError, timeout, TimeoutError, type Observable } from 'rxjs';
import {
  DomainError,
  describeValidationErrors,
  isRpcErrorPayload,
  type RpcErrorPayload,
  type RpcReply,
  type RpcRequest,
  type RpcSubject,
} from '@crm/contracts';

export const NATS_CLIENT = Symbol('NATS_CLIENT');
export const DEFAULT_RPC_TIMEOUT_MS = 8000;

/** Validation for `@Payload()` of message handlers: a bad payload is a typed VALIDATION error, not a crash. */
export function rpcValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => new DomainError('VALIDATION', describeValidationErrors(errors)),
  });
}

export function toRpcErrorPayload(error: unknown): RpcErrorPayload {
  if (error instanceof DomainError) return error.toPayload();
  if (error instanceof RpcException) {
    const inner = error.getError();
    if (isRpcErrorPayload(inner)) return inner;
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code =
      status === 404 ? 'NOT_FOUND' : status === 403 ? 'FORBIDDEN' : status < 500 ? 'VALIDATION' : 'INTERNAL';
    return { code, message: error.message };
  }
  return { code: 'INTERNAL', message: 'internal error' };
}

/** Maps every error of a NATS handler to a typed `RpcErrorPayload`; unexpected ones are logged, not leaked. */
@Catch()
export class RpcErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('RpcErrorFilter');

  catch(error: unknown, host: ArgumentsHost): Observable<never> | void {
    const payload = toRpcErrorPayload(error);
    if (payload.code === 'INTERNAL') {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    if (host.getType() !== 'rpc') throw error;
    return throwError(() => payload);
  }
}

/** Request/reply over NATS with a timeout; errors come back as `DomainError` with the remote code. */
@Injectable()
export class RpcClient implements OnApplicationShutdown {
  constructor(@Inject(NATS_CLIENT) private readonly client: ClientProxy) {}

  async call<S extends RpcSubject>(
    subject: S,
    payload: RpcRequest<S>,
    timeoutMs = DEFAULT_RPC_TIMEOUT_MS,
  ): Promise<RpcReply<S>> {
    try {
      return await firstValueFrom(
        this.client.send<RpcReply<S>, RpcRequest<S>>(subject, payload).pipe(timeout(timeoutMs)),
      );
    } catch (error) {
      throw toDomainError(subject, error);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

export function toDomainError(subject: string, error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (isRpcErrorPayload(error)) return new DomainError(error.code, error.message, error.details);
  if (error instanceof TimeoutError)
    return new DomainError('UPSTREAM_TIMEOUT', `no answer from ${subject} in time`);
  const message = error instanceof Error ? error.message : String(error);
  if (/no responders|no subscribers|empty response|503/i.test(message)) {
    return new DomainError('UPSTREAM_TIMEOUT', `no service is answering ${subject}`);
  }
  return new DomainError('INTERNAL', `call to ${subject} failed`);
}
