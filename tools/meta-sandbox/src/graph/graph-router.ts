import { Router, type NextFunction, type Request, type Response } from 'express';
import { authenticate, requireScope } from '../http/access-token';
import { selectFields } from '../http/field-selection';
import { GraphError, graphErrors } from '../http/graph-error';
import { listParam } from '../http/request-params';
import type { SandboxPage } from '../dataset/dataset.types';
import { publicBaseUrl } from '../http/paging';
import type { SandboxState } from '../state/sandbox-state';
import { sendMessage } from '../whatsapp/message-service';
import {
  listPhoneNumbers,
  listTemplates,
  listWabas,
  readPhoneNumber,
  readTemplate,
  readWaba,
} from '../whatsapp/whatsapp-nodes';
import {
  businessFields,
  listAdAccounts,
  listAdSets,
  listAdsIn,
  listBusinesses,
  listCampaigns,
  readAdObject,
} from './ads-nodes';
import { page, requestedFields, type GraphContext } from './graph-context';
import { insightsEdge } from './insights-service';
import { readReportRun, reportRunInsights, startReportRun } from './report-runs';
import { listLeadForms, listLeads, listPages, readLead, readLeadForm, readPage } from './lead-nodes';
import { resolveNode, type GraphNode } from './node-resolver';
import { listPermissions, readUser, revokePermissions } from './user-node';
import { createTemplate, deleteTemplate } from '../whatsapp/template-management';
import { findDataset, ownedDatasets, receiveEvents } from '../conversions/conversions-api';

const readNode = (ctx: GraphContext, node: GraphNode): unknown => {
  switch (node.kind) {
    case 'user':
      return readUser(ctx, node.value);
    case 'business':
      requireScope(ctx.token, 'business_management');
      return selectFields(
        node.value,
        requestedFields(ctx),
        ['id', 'name'],
        businessFields(ctx.state),
        'Business',
      );
    case 'adAccount':
    case 'campaign':
    case 'adSet':
    case 'ad':
      return readAdObject(ctx, node);
    case 'page':
      return readPage(ctx, node.value);
    case 'leadForm':
      return readLeadForm(ctx, node.value);
    case 'lead':
      return readLead(ctx, node.value);
    case 'waba':
      return readWaba(ctx, node.value);
    case 'phoneNumber':
      return readPhoneNumber(ctx, node.value);
    case 'template':
      return readTemplate(ctx, node.value);
    case 'reportRun':
      return readReportRun(ctx, node.value);
  }
};

const accountFor = (ctx: GraphContext, accountId: string) => {
  const account = ctx.state.dataset.adAccounts.find((a) => a.accountId === accountId);
  if (!account) throw graphErrors.unknownObject(`act_${accountId}`);
  return account;
};

/** GET edges per node type; undefined when the edge does not exist. */
const readEdge = (ctx: GraphContext, node: GraphNode, edge: string): unknown => {
  const { dataset } = ctx.state;
  switch (node.kind) {
    case 'user':
      if (edge === 'businesses') return listBusinesses(ctx);
      if (edge === 'adaccounts' || edge === 'assigned_ad_accounts')
        return listAdAccounts(ctx, dataset.adAccounts);
      if (edge === 'accounts') return listPages(ctx, dataset.pages);
      if (edge === 'permissions') return listPermissions(ctx);
      return undefined;
    case 'business':
      requireScope(ctx.token, 'business_management');
      if (edge === 'owned_ad_accounts')
        return listAdAccounts(
          ctx,
          dataset.adAccounts.filter((a) => a.ownerBusinessId === node.value.id),
        );
      if (edge === 'client_ad_accounts')
        return listAdAccounts(
          ctx,
          dataset.adAccounts.filter((a) => a.clientBusinessIds.includes(node.value.id)),
        );
      if (edge === 'owned_whatsapp_business_accounts') return listWabas(ctx, node.value.id);
      if (edge === 'client_whatsapp_business_accounts') return listWabas(ctx, `none:${node.value.id}`);
      if (edge === 'owned_pixels') return page(ctx, ownedDatasets(ctx, node.value));
      if (edge === 'owned_pages')
        return listPages(
          ctx,
          dataset.pages.filter((p) => p.businessId === node.value.id),
        );
      return undefined;
    case 'adAccount': {
      const scope = { accountId: node.value.accountId };
      if (edge === 'campaigns') return listCampaigns(ctx, scope);
      if (edge === 'adsets') return listAdSets(ctx, scope);
      if (edge === 'ads') return listAdsIn(ctx, scope);
      if (edge === 'insights') return insightsEdge(ctx, { account: node.value, defaultLevel: 'account' });
      return undefined;
    }
    case 'campaign': {
      const scope = { accountId: node.value.accountId, campaignId: node.value.id };
      if (edge === 'adsets') return listAdSets(ctx, scope);
      if (edge === 'ads') return listAdsIn(ctx, scope);
      if (edge === 'insights')
        return insightsEdge(ctx, {
          account: accountFor(ctx, node.value.accountId),
          campaignId: node.value.id,
          defaultLevel: 'campaign',
        });
      return undefined;
    }
    case 'adSet': {
      if (edge === 'ads') return listAdsIn(ctx, { accountId: node.value.accountId, adsetId: node.value.id });
      if (edge === 'insights')
        return insightsEdge(ctx, {
          account: accountFor(ctx, node.value.accountId),
          adsetId: node.value.id,
          defaultLevel: 'adset',
        });
      return undefined;
    }
    case 'ad':
      if (edge === 'insights')
        return insightsEdge(ctx, {
          account: accountFor(ctx, node.value.accountId),
          adId: node.value.id,
          defaultLevel: 'ad',
        });
      if (edge === 'leads') return listLeads(ctx, { adId: node.value.id }, dataset.pages[0].id);
      return undefined;
    case 'page':
      if (edge === 'leadgen_forms') return listLeadForms(ctx, node.value);
      if (edge === 'subscribed_apps') {
        requireScope(ctx.token, 'pages_manage_metadata', 'pages_show_list');
        const subscribed = ctx.state.subscriptions.has(`page:${node.value.id}`);
        return page(
          ctx,
          subscribed ? [{ name: dataset.app.name, id: dataset.app.id, subscribed_fields: ['leadgen'] }] : [],
        );
      }
      return undefined;
    case 'reportRun':
      if (edge === 'insights') return reportRunInsights(ctx, node.value);
      return undefined;
    case 'leadForm':
      if (edge === 'leads') return listLeads(ctx, { formId: node.value.id }, node.value.pageId);
      return undefined;
    case 'waba':
      if (edge === 'phone_numbers') return listPhoneNumbers(ctx, node.value);
      if (edge === 'message_templates') return listTemplates(ctx, node.value);
      if (edge === 'subscribed_apps') {
        requireScope(ctx.token, 'whatsapp_business_management');
        const subscribed = ctx.state.subscriptions.has(`waba:${node.value.id}`);
        return page(
          ctx,
          subscribed ? [{ whatsapp_business_api_data: { name: dataset.app.name, id: dataset.app.id } }] : [],
        );
      }
      return undefined;
    default:
      return undefined;
  }
};

const writeEdge = (ctx: GraphContext, node: GraphNode, edge: string, method: 'post' | 'delete'): unknown => {
  if (method === 'post' && node.kind === 'phoneNumber' && edge === 'messages')
    return sendMessage(ctx, node.value);
  if (method === 'post' && node.kind === 'adAccount' && edge === 'insights')
    return startReportRun(ctx, node.value);
  if (node.kind === 'page' && edge === 'subscribed_apps')
    return writePageSubscription(ctx, node.value, method);
  if (node.kind === 'waba' && edge === 'subscribed_apps') {
    requireScope(ctx.token, 'whatsapp_business_management');
    if (method === 'post') ctx.state.subscriptions.add(`waba:${node.value.id}`);
    else ctx.state.subscriptions.delete(`waba:${node.value.id}`);
    return { success: true };
  }
  if (node.kind === 'waba' && edge === 'message_templates') {
    return method === 'post' ? createTemplate(ctx, node.value) : deleteTemplate(ctx, node.value);
  }
  if (method === 'delete' && node.kind === 'user' && edge === 'permissions') return revokePermissions(ctx);
  return undefined;
};

/** Page webhook fields an app may subscribe to (REFERENCE §6.1: `subscribed_fields` enum, the Lead Ads ones). */
const PAGE_SUBSCRIBED_FIELDS = ['leadgen', 'leadgen_update', 'leadgen_fat'];

/**
 * `POST|DELETE /{page-id}/subscribed_apps`: only with that Page's own access token (Meta: #210) and, for POST, a
 * `subscribed_fields` list (#100 when missing or unknown).
 */
const writePageSubscription = (ctx: GraphContext, pageNode: SandboxPage, method: 'post' | 'delete') => {
  requireScope(ctx.token, 'pages_manage_metadata');
  if (ctx.token.kind !== 'PAGE' || ctx.token.profileId !== pageNode.id) {
    throw new GraphError({ message: '(#210) This call requires a Page access token.', code: 210 });
  }
  const key = `page:${pageNode.id}`;
  if (method === 'delete') {
    ctx.state.subscriptions.delete(key);
    return { success: true };
  }
  const fields = listParam(ctx.req, 'subscribed_fields');
  if (!fields || fields.length === 0)
    throw graphErrors.invalidParameter('The parameter subscribed_fields is required.');
  const unknown = fields.find((field) => !PAGE_SUBSCRIBED_FIELDS.includes(field));
  if (unknown)
    throw graphErrors.invalidParameter(
      `Param subscribed_fields[0] must be one of {${PAGE_SUBSCRIBED_FIELDS.join(', ')}} - got "${unknown}".`,
    );
  ctx.state.subscriptions.add(key);
  return { success: true };
};

/** Graph node and edge reads/writes: `/{id}`, `/{id}/{edge}` (REFERENCE §2–§7). */
export const createGraphRouter = (state: SandboxState): Router => {
  const router = Router();
  const context = (req: Request, res: Response): GraphContext => ({
    state,
    req,
    res,
    token: authenticate(state, req),
    base: publicBaseUrl(req, state.options.publicUrl),
  });
  const nodeOf = (id: string, method: string): GraphNode => {
    const node = resolveNode(state, id);
    if (!node) throw graphErrors.unknownObject(id, method);
    return node;
  };

  router.get('/:id', (req: Request, res: Response) => {
    const ctx = context(req, res);
    res.json(readNode(ctx, nodeOf(String(req.params.id), 'get')));
  });
  router.get('/:id/:edge', (req: Request, res: Response) => {
    const ctx = context(req, res);
    const edge = String(req.params.edge);
    const result = readEdge(ctx, nodeOf(String(req.params.id), 'get'), edge);
    if (result === undefined) throw graphErrors.unknownPath(edge);
    res.json(result);
  });
  // Conversions API: datasets are not Graph nodes of the seeded data, so their edge is matched first.
  router.post('/:id/events', (req: Request, res: Response, next: NextFunction) => {
    const dataset = findDataset(state, String(req.params.id));
    if (!dataset) return next();
    res.json(receiveEvents(context(req, res), dataset));
  });
  for (const method of ['post', 'delete'] as const) {
    router[method]('/:id/:edge', (req: Request, res: Response) => {
      const ctx = context(req, res);
      const id = String(req.params.id);
      const result = writeEdge(ctx, nodeOf(id, method), String(req.params.edge), method);
      if (result === undefined) throw graphErrors.unknownObject(id, method);
      res.json(result);
    });
  }
  router.all('/{*rest}', (req: Request) => {
    throw graphErrors.unknownObject(req.path.replace(/^\//, ''), req.method.toLowerCase());
  });
  return router;
};
