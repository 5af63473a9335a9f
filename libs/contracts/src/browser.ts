/**
 * The browser-safe entry of the contracts (`@crm/contracts/browser`): subjects, constants and the types of what the
 * gateway answers — no decorators, no `reflect-metadata`, no class-validator. The full entry (`@crm/contracts`)
 * re-exports all of it; the frontend may import only this one (ESLint `no-restricted-imports`).
 */
export * from './subjects';
export * from './tenancy';
export { RpcErrorCodes, HTTP_STATUS_BY_RPC_CODE, isRpcErrorPayload } from './errors';
export type { RpcErrorCode, RpcErrorPayload } from './errors';
export * from './model/common';
export * from './model/crm';
export * from './model/leads';
export * from './model/meta';
export * from './model/marketing';
export * from './model/automation';
export * from './model/people';
export * from './model/currency';
export * from './model/opportunities';
export * from './model/dashboard';
export * from './model/clients';
export * from './model/lead-360';
export * from './model/lead-imports';
export * from './model/chats';
export * from './model/recipient-protection';
export * from './model/template-media';
export * from './model/lead-ads';
export * from './model/conversions';
export * from './model/send-history';
