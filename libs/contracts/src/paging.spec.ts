import { ListClientsRequest } from './clients';
import { ConversionLogRequest } from './conversions';
import { ListLeadsRequest } from './crm';
import { ListOpportunitiesRequest } from './opportunities';
import { ListLogsRequest } from './automation';
import { parsePayload } from './validation';

const tenantId = '6b1f1c1e-6a57-4b9e-9d2e-7c1b0f2f4a11';
// Lists a person calls carry who asks (crm's visibility rules).
const actor = { tenantId, actorUserId: '0d7c5e1a-3f2b-4c8d-9e6f-1a2b3c4d5e6f', actorRole: 'ceo' };

describe('offset paging depth: page × pageSize at most 10,000 rows', () => {
  it('accepts the last page within the bound, at the default and at an explicit page size', () => {
    expect(parsePayload(ListLeadsRequest, { tenantId, page: 400 }).page).toBe(400);
    expect(parsePayload(ListOpportunitiesRequest, { ...actor, page: 100, pageSize: 100 }).page).toBe(100);
  });

  it('refuses a deeper page on every offset list with a message that says what to do', () => {
    expect(() => parsePayload(ListLeadsRequest, { tenantId, page: 401 })).toThrow(
      'page × pageSize may reach at most 10,000 rows (asked 401 × 25): narrow the filters, or page with `cursor` where the list offers it (leads)',
    );
    const lists: (new () => object)[] = [
      ListOpportunitiesRequest,
      ListClientsRequest,
      ListLogsRequest,
      ConversionLogRequest,
    ];
    for (const cls of lists) {
      expect(() => parsePayload(cls, { ...actor, page: 101, pageSize: 100 })).toThrow(
        /^page × pageSize may reach at most 10,000 rows \(asked 101 × 100\): narrow the filters, or page with `cursor` where the list offers it \(leads\)$/,
      );
    }
  });
});
