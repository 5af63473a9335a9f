import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import type { RpcReply, RpcRequest, RpcSubject } from '@crm/contracts';
import { toDomainError } from '@crm/nest-common';

/** Talks to a running service over real NATS, the way other services do. Errors arrive as `DomainError`. */
export class RpcTestClient {
  private readonly client: ClientProxy;

  constructor(natsUrl: string) {
    this.client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [natsUrl] } });
  }

  /** Typed by the subject, like `RpcClient.call`. */
  call<S extends RpcSubject>(subject: S, payload: RpcRequest<S>, timeoutMs = 8000): Promise<RpcReply<S>> {
    return this.send(subject, payload, timeoutMs) as Promise<RpcReply<S>>;
  }

  /**
   * Sends a payload the contract does not allow (a wrong type, an unknown rule, a missing field) to prove the
   * service rejects it. Its answer is not typed: use it only to assert errors.
   */
  callInvalid(subject: RpcSubject, payload: object, timeoutMs = 8000): Promise<unknown> {
    return this.send(subject, payload, timeoutMs);
  }

  private async send(subject: string, payload: object, timeoutMs: number): Promise<unknown> {
    try {
      return await firstValueFrom(this.client.send<unknown>(subject, payload).pipe(timeout(timeoutMs)));
    } catch (error) {
      throw toDomainError(subject, error);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
