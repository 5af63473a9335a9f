import { randomBytes } from 'node:crypto';

export type GraphErrorType = 'OAuthException' | 'GraphMethodException' | 'FacebookApiException';

export type GraphErrorInit = {
  message: string;
  code: number;
  type?: GraphErrorType;
  subcode?: number;
  httpStatus?: number;
  isTransient?: boolean;
  errorData?: Record<string, unknown>;
  userTitle?: string;
  userMsg?: string;
  headers?: Record<string, string>;
};

export type GraphErrorBody = {
  error: {
    message: string;
    type: GraphErrorType;
    code: number;
    error_subcode?: number;
    error_data?: Record<string, unknown>;
    error_user_title?: string;
    error_user_msg?: string;
    is_transient?: boolean;
    fbtrace_id: string;
  };
};

/** An error answered with Meta's envelope `{error:{message,type,code,error_subcode?,fbtrace_id,is_transient?}}`. */
export class GraphError extends Error {
  readonly init: GraphErrorInit;

  constructor(init: GraphErrorInit) {
    super(init.message);
    this.init = init;
  }

  get httpStatus(): number {
    return this.init.httpStatus ?? 400;
  }

  toBody(): GraphErrorBody {
    const { init } = this;
    return {
      error: {
        message: init.message,
        type: init.type ?? 'OAuthException',
        code: init.code,
        ...(init.subcode !== undefined ? { error_subcode: init.subcode } : {}),
        ...(init.errorData ? { error_data: init.errorData } : {}),
        ...(init.userTitle ? { error_user_title: init.userTitle } : {}),
        ...(init.userMsg ? { error_user_msg: init.userMsg } : {}),
        ...(init.isTransient !== undefined ? { is_transient: init.isTransient } : {}),
        fbtrace_id: newTraceId(),
      },
    };
  }
}

export const newTraceId = (): string => randomBytes(9).toString('base64url');

const RATE_DOC = 'https://developers.facebook.com/docs/graph-api/overview/rate-limiting';

/** Catalogue of the errors the sandbox answers, with Meta's codes and wording. */
export const graphErrors = {
  unknownObject: (id: string, method = 'get'): GraphError =>
    new GraphError({
      message: `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
      type: 'GraphMethodException',
      code: 100,
      subcode: 33,
    }),
  unknownPath: (path: string): GraphError =>
    new GraphError({ message: `Unknown path components: /${path}`, code: 2500 }),
  nonexistingField: (field: string, nodeType: string): GraphError =>
    new GraphError({
      message: `(#100) Tried accessing nonexisting field (${field}) on node type (${nodeType})`,
      code: 100,
    }),
  invalidParameter: (message: string, subcode?: number): GraphError =>
    new GraphError({
      message: message.startsWith('(#100)') ? message : `(#100) ${message}`,
      code: 100,
      subcode,
    }),
  missingToken: (): GraphError =>
    new GraphError({
      message: 'An active access token must be used to query information about the current user.',
      code: 2500,
    }),
  tokenRequired: (): GraphError =>
    new GraphError({ message: 'An access token is required to request this resource.', code: 104 }),
  malformedToken: (): GraphError =>
    new GraphError({ message: 'Invalid OAuth access token - Cannot parse access token', code: 190 }),
  expiredToken: (expiredAt: Date): GraphError =>
    new GraphError({
      message: `Error validating access token: Session has expired on ${expiredAt.toUTCString()}. The current time is ${new Date().toUTCString()}.`,
      code: 190,
      subcode: 463,
    }),
  revokedToken: (): GraphError =>
    new GraphError({
      message: 'Error validating access token: The user has not authorized application.',
      code: 190,
      subcode: 458,
    }),
  permission: (scopes: string[]): GraphError =>
    new GraphError({
      message: `(#200) Requires ${scopes.join(' or ')} permission to manage the object`,
      code: 200,
      httpStatus: 403,
    }),
  appPermission: (): GraphError =>
    new GraphError({
      message: '(#10) Application does not have permission for this action',
      code: 10,
      httpStatus: 403,
    }),
  /** Insights asked for more data than a synchronous call may return (REFERENCE §3, code 1 subcode 99). */
  tooMuchData: (): GraphError =>
    new GraphError({
      message: "Please reduce the amount of data you're asking for, then retry your request",
      code: 1,
      subcode: 99,
      httpStatus: 500,
    }),
  outage: (): GraphError =>
    new GraphError({
      message: 'An unexpected error has occurred. Please retry your request later.',
      code: 2,
      isTransient: true,
      httpStatus: 500,
    }),
  appLimit: (): GraphError =>
    new GraphError({ message: '(#4) Application request limit reached', code: 4, isTransient: true }),
  userLimit: (): GraphError =>
    new GraphError({
      message: '(#17) User request limit reached',
      code: 17,
      subcode: 2446079,
      isTransient: true,
    }),
  adsManagementLimit: (): GraphError =>
    new GraphError({
      message: `(#80004) There have been too many calls to this ad-account. Wait a bit and try again. For more info, please refer to ${RATE_DOC}#ads-management.`,
      code: 80004,
      subcode: 2446079,
    }),
  insightsLimit: (): GraphError =>
    new GraphError({
      message: `(#80000) There have been too many calls from this ad-account. Wait a bit and try again. For more info, please refer to ${RATE_DOC}#ads-insights.`,
      code: 80000,
      subcode: 2446079,
    }),
  whatsappManagementLimit: (): GraphError =>
    new GraphError({
      message: `(#80008) There have been too many calls to this WhatsApp Business account. Wait a bit and try again. For more info, please refer to ${RATE_DOC}.`,
      code: 80008,
      subcode: 2593093,
    }),
  whatsappThroughput: (): GraphError =>
    new GraphError({
      message: '(#130429) Rate limit hit',
      code: 130429,
      httpStatus: 429,
      errorData: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' },
    }),
} as const;
