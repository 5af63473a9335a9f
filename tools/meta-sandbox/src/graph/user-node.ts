import type { SandboxUser } from '../dataset/dataset.types';
import { hasScope } from '../http/access-token';
import { selectFields, type FieldResolvers } from '../http/field-selection';
import type { TokenRecord } from '../state/sandbox-state';
import { page, requestedFields, type GraphContext } from './graph-context';

const userFields = (token: TokenRecord): FieldResolvers<SandboxUser> => ({
  id: (u) => u.id,
  name: (u) => u.name,
  first_name: (u) => u.firstName,
  last_name: (u) => u.lastName,
  middle_name: () => undefined,
  short_name: (u) => u.firstName,
  email: (u) => (hasScope(token, 'email') ? u.email : undefined),
  locale: () => 'es_LA',
  picture: () => ({
    data: {
      height: 50,
      is_silhouette: true,
      url: 'https://static.xx.fbcdn.net/rsrc.php/sandbox-avatar.png',
      width: 50,
    },
  }),
});

export const readUser = (ctx: GraphContext, user: SandboxUser): unknown =>
  selectFields(user, requestedFields(ctx), ['name', 'id'], userFields(ctx.token), 'User');

/** `GET /me/permissions` */
export const listPermissions = (ctx: GraphContext): unknown =>
  page(
    ctx,
    ctx.token.scopes.map((permission) => ({ permission, status: 'granted' })),
  );

/** `DELETE /me/permissions`: de-authorise the app — every token of this user and app stops working (190). */
export const revokePermissions = (ctx: GraphContext): unknown => {
  for (const record of ctx.state.tokens.values()) {
    if (record.userId === ctx.token.userId && record.appId === ctx.token.appId) record.revoked = true;
  }
  return { success: true };
};
