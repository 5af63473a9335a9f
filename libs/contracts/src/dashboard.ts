import { ActorRequest } from './opportunities';

/**
 * The dashboard of the caller: the tenant's numbers for a ceo or professional, a setter's or closer's own (the
 * opportunities and sales they may see, the leads assigned to them). The gateway fills every field from the session.
 */
export class DashboardRequest extends ActorRequest {}
