import { randomUUID } from 'node:crypto';
import { Rpc, type ConnectionStatus } from '@crm/contracts';
import type { RpcTestClient } from './rpc-test-client';

/** The sandbox assets a tenant picks in the Marketing Hub wizard (see `idsOf` in @crm/meta-sandbox). */
export type SandboxAssets = {
  businessId: string;
  adAccountId: string;
  wabaId: string;
  phoneNumberIds: readonly string[];
};

/** A token minted by the Meta sandbox's control API, as its OAuth flow would hand one to the gateway. */
export async function mintSandboxToken(sandboxUrl: string): Promise<string> {
  const response = await fetch(`${sandboxUrl}/_sandbox/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });
  if (!response.ok) throw new Error(`sandbox token: HTTP ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/**
 * Connect a tenant to the sandbox through meta-ads-service, as the OAuth callback and the wizard do: complete the
 * OAuth exchange with a minted token, then select the business, ad account, WABA and first number — and, when
 * `leadAdsPageId` is given, choose that Facebook Page (Lead Ads leads are routed by it; choosing it also reads its
 * last 90 days of leads). A number and a Page belong to one tenant at a time: disconnect in `afterAll`
 * (`rpc.call(Rpc.meta.disconnect, { tenantId })`; a disconnected tenant's Page may be chosen by the next one).
 */
export async function connectTenantToSandbox(
  rpc: RpcTestClient,
  sandboxUrl: string,
  tenantId: string,
  assets: SandboxAssets,
  options: { leadAdsPageId?: string } = {},
): Promise<ConnectionStatus> {
  await rpc.call(Rpc.meta.completeOauth, {
    tenantId,
    userId: randomUUID(),
    accessToken: await mintSandboxToken(sandboxUrl),
  });
  if (options.leadAdsPageId) {
    await rpc.call(Rpc.meta.selectPages, { tenantId, pageIds: [options.leadAdsPageId] }, 20_000);
  }
  return rpc.call(
    Rpc.meta.selectAssets,
    {
      tenantId,
      businessId: assets.businessId,
      adAccountId: assets.adAccountId,
      wabaId: assets.wabaId,
      phoneNumberId: assets.phoneNumberIds[0],
    },
    20_000,
  );
}
