import type {
  SandboxAd,
  SandboxAdAccount,
  SandboxAdSet,
  SandboxBusiness,
  SandboxCampaign,
  SandboxLeadForm,
  SandboxPage,
  SandboxPhoneNumber,
  SandboxTemplate,
  SandboxUser,
  SandboxWaba,
} from '../dataset/dataset.types';
import type { LeadRecord, SandboxState } from '../state/sandbox-state';
import type { ReportRun } from './report-runs';

export type GraphNode =
  | { kind: 'user'; value: SandboxUser }
  | { kind: 'business'; value: SandboxBusiness }
  | { kind: 'adAccount'; value: SandboxAdAccount }
  | { kind: 'campaign'; value: SandboxCampaign }
  | { kind: 'adSet'; value: SandboxAdSet }
  | { kind: 'ad'; value: SandboxAd }
  | { kind: 'page'; value: SandboxPage }
  | { kind: 'leadForm'; value: SandboxLeadForm }
  | { kind: 'lead'; value: LeadRecord }
  | { kind: 'waba'; value: SandboxWaba }
  | { kind: 'phoneNumber'; value: SandboxPhoneNumber }
  | { kind: 'template'; value: SandboxTemplate }
  | { kind: 'reportRun'; value: ReportRun };

/** Find the object a Graph id refers to (`me` = the sandbox user, `act_…` = an ad account). */
export const resolveNode = (state: SandboxState, id: string): GraphNode | undefined => {
  const { dataset } = state;
  if (id === 'me' || id === dataset.user.id) return { kind: 'user', value: dataset.user };
  if (id.startsWith('act_')) {
    const account = dataset.adAccounts.find((a) => a.accountId === id.slice(4));
    return account ? { kind: 'adAccount', value: account } : undefined;
  }
  const finders: (() => GraphNode | undefined)[] = [
    () => {
      const value = dataset.businesses.find((b) => b.id === id);
      return value && { kind: 'business', value };
    },
    () => {
      const value = dataset.campaigns.find((c) => c.id === id);
      return value && { kind: 'campaign', value };
    },
    () => {
      const value = dataset.adSets.find((s) => s.id === id);
      return value && { kind: 'adSet', value };
    },
    () => {
      const value = dataset.ads.find((a) => a.id === id);
      return value && { kind: 'ad', value };
    },
    () => {
      const value = dataset.pages.find((p) => p.id === id);
      return value && { kind: 'page', value };
    },
    () => {
      const value = dataset.leadForms.find((f) => f.id === id);
      return value && { kind: 'leadForm', value };
    },
    () => {
      const value = state.leads.get(id);
      return value && { kind: 'lead', value };
    },
    () => {
      const value = dataset.wabas.find((w) => w.id === id);
      return value && { kind: 'waba', value };
    },
    () => {
      const value = dataset.phoneNumbers.find((p) => p.id === id);
      return value && { kind: 'phoneNumber', value };
    },
    () => {
      const value = state.templates.find((t) => t.id === id);
      return value && { kind: 'template', value };
    },
    () => {
      const value = state.reportRuns.get(id);
      return value && { kind: 'reportRun', value };
    },
  ];
  for (const find of finders) {
    const node = find();
    if (node) return node;
  }
  return undefined;
};
