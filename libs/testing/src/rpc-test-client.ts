import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { toDomainError } from '@crm/nest-common';

/** Talks to a running service over real NATS, the way other services do. Errors arrive as `DomainError`. */
export class RpcTestClient {
  private readonly client: ClientProxy;

  constructor(natsUrl: string) {
    this.client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [natsUrl] } });
  }

  async call<T>(subject: string, payload: object, timeoutMs = 8000): Promise<T> {
    try {
      return await firstValueFrom(this.client.send<T>(subject, payload).pipe(timeout(timeoutMs)));
    } catch (error) {
      throw toDomainError(subject, error);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
