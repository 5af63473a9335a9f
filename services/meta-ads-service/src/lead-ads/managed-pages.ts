import { Injectable } from '@nestjs/common';
import { GraphClient } from '../graph/graph-client';

/** A Page of `GET /me/accounts` (REFERENCE §6.1): a Page the user manages, with its page token. */
export type ManagedPage = { id: string; name: string; accessToken: string | null };

/** The Pages the tenant's Meta user manages, each with the page token Page calls need (never stored). */
@Injectable()
export class ManagedPages {
  constructor(private readonly graph: GraphClient) {}

  async list(tenantId: string, userToken: string): Promise<ManagedPage[]> {
    const pages = await this.graph.getAll<{ id?: unknown; name?: unknown; access_token?: unknown }>({
      tenantId,
      family: 'ads',
      token: userToken,
      storedToken: true,
      path: 'me/accounts',
      query: { fields: 'id,name,access_token', limit: 100 },
    });
    return pages
      .filter(
        (page) => (typeof page.id === 'string' || typeof page.id === 'number') && String(page.id) !== '',
      )
      .map((page) => ({
        id: String(page.id),
        name: typeof page.name === 'string' ? page.name : '',
        accessToken: typeof page.access_token === 'string' && page.access_token ? page.access_token : null,
      }));
  }
}
