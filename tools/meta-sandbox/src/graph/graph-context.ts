import type { Request, Response } from 'express';
import { parseFields, parseSubfields } from '../http/field-selection';
import { paginate, type Page } from '../http/paging';
import { param } from '../http/request-params';
import type { SandboxState, TokenRecord } from '../state/sandbox-state';

/** What a Graph handler needs: state, the authenticated token, the request and its public base URL. */
export type GraphContext = {
  state: SandboxState;
  req: Request;
  res: Response;
  token: TokenRecord;
  base: string;
};

export const requestedFields = (ctx: GraphContext): string[] | undefined =>
  parseFields(param(ctx.req, 'fields'));

/** The nested selection asked for one field, e.g. `creative{title,body}`. */
export const requestedSubfields = (ctx: GraphContext, field: string): string[] | undefined =>
  parseSubfields(param(ctx.req, 'fields'), field);

export const page = <T>(ctx: GraphContext, items: T[]): Page<T> => paginate(items, ctx.req, ctx.base);
