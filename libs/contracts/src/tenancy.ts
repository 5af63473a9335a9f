export const Roles = ['ceo', 'professional', 'setter', 'closer'] as const;
export type Role = (typeof Roles)[number];

/** Who may use which module. The gateway enforces it; the frontend hides what a role cannot use. */
export const MODULE_ROLES = {
  leads: ['ceo', 'professional', 'setter', 'closer'],
  marketing: ['ceo', 'professional'],
  automation: ['ceo'],
  /** The sellers overview and the list of users. */
  sellers: ['ceo', 'professional'],
  /** Tenant settings and managing users. */
  admin: ['ceo'],
} as const satisfies Record<string, readonly Role[]>;

/** Every RPC payload and every event starts with the tenant it belongs to. The gateway fills it from the session only. */
export type TenantScoped = { tenantId: string };
