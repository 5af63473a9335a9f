import { META_REQUIRED_SCOPES } from '@crm/contracts';
import type { ConnectionEntity } from '../connection.entity';
import { accessEndsAt, daysUntil, toConnectionStatus } from '../connection-status';

const NOW = new Date('2026-11-26T12:00:00Z');
const inDays = (days: number) => new Date(NOW.getTime() + days * 86_400_000);

function connection(overrides: Partial<ConnectionEntity> = {}): ConnectionEntity {
  return {
    tenantId: '00000000-0000-4000-8000-000000000001',
    state: 'connected',
    accessTokenEncrypted: 'sealed',
    tokenExpiresAt: inDays(60),
    dataAccessExpiresAt: inDays(90),
    scopes: [...META_REQUIRED_SCOPES],
    metaUserId: '1',
    businessId: null,
    businessName: null,
    adAccountId: null,
    adAccountName: null,
    currency: null,
    timezone: null,
    wabaId: null,
    phoneNumberId: null,
    displayPhoneNumber: null,
    verifiedName: null,
    pageIds: [],
    lastError: null,
    connectedAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

describe('connection status: expiry ahead of time', () => {
  it('counts whole days to the token expiry or the end of data access, whichever is first', () => {
    expect(toConnectionStatus(connection(), NOW)).toMatchObject({
      state: 'connected',
      expiresAt: inDays(60).toISOString(),
      dataAccessExpiresAt: inDays(90).toISOString(),
      daysLeft: 60,
      missingScopes: [],
    });
    // A token that never expires still loses its data access.
    expect(
      toConnectionStatus(connection({ tokenExpiresAt: null, dataAccessExpiresAt: inDays(9.5) }), NOW),
    ).toMatchObject({ expiresAt: null, daysLeft: 9 });
    expect(
      toConnectionStatus(connection({ tokenExpiresAt: null, dataAccessExpiresAt: null }), NOW).daysLeft,
    ).toBeNull();
  });

  it('is expired once either date passed, with 0 days left', () => {
    expect(toConnectionStatus(connection({ dataAccessExpiresAt: inDays(-1) }), NOW)).toMatchObject({
      state: 'expired',
      daysLeft: 0,
    });
    expect(toConnectionStatus(connection({ tokenExpiresAt: inDays(-0.01) }), NOW).state).toBe('expired');
  });

  it('names the required scopes the token lacks', () => {
    const status = toConnectionStatus(
      connection({
        scopes: META_REQUIRED_SCOPES.filter(
          (scope) => scope !== 'leads_retrieval' && scope !== 'whatsapp_business_messaging',
        ),
      }),
      NOW,
    );
    expect(status.missingScopes).toEqual(['leads_retrieval', 'whatsapp_business_messaging']);
    // A token from before the Page scopes were asked for is told to reconnect for them.
    expect(
      toConnectionStatus(
        connection({ scopes: ['business_management', 'ads_read', 'whatsapp_business_management'] }),
        NOW,
      ).missingScopes,
    ).toEqual(expect.arrayContaining(['pages_show_list', 'ads_management', 'leads_retrieval']));
  });

  it('a disconnected tenant has no dates', () => {
    expect(toConnectionStatus(null, NOW)).toMatchObject({ dataAccessExpiresAt: null, daysLeft: null });
  });

  it('accessEndsAt and daysUntil', () => {
    expect(accessEndsAt({ tokenExpiresAt: inDays(5), dataAccessExpiresAt: inDays(3) })).toEqual(inDays(3));
    expect(accessEndsAt({ tokenExpiresAt: null, dataAccessExpiresAt: null })).toBeNull();
    expect(daysUntil(inDays(13.99), NOW)).toBe(13);
    expect(daysUntil(inDays(-3), NOW)).toBe(0);
  });
});
