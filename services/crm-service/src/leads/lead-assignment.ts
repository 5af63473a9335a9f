import { Injectable } from '@nestjs/common';
import { Events, type LeadAssignedEvent } from '@crm/contracts';
import { OutboxService } from '@crm/nest-common';
import type { EntityManager } from 'typeorm';
import { LeadActivityStore } from '../lead-360/lead-activity-store';
import { UserStore } from '../tenancy/user-store';
import { AssignmentCursorStore } from './assignment-cursor-store';
import { LeadStore } from './lead-store';
import { nextInRotation } from './round-robin';

/**
 * Round-robin of new, unassigned leads among the tenant's active setters (on whenever the tenant has one). Runs in
 * the transaction that created the lead: the cursor row lock makes it fair across replicas.
 */
@Injectable()
export class LeadAssignment {
  constructor(
    private readonly leads: LeadStore,
    private readonly users: UserStore,
    private readonly cursors: AssignmentCursorStore,
    private readonly outbox: OutboxService,
    private readonly activity: LeadActivityStore,
  ) {}

  /**
   * The setters the next `count` new leads go to, in turn (all null when the tenant has no active setter), with the
   * cursor advanced past the last one: a whole import batch takes its turns under one lock.
   */
  async nextSetters(db: EntityManager, tenantId: string, count: number): Promise<(string | null)[]> {
    const setters = await this.users.activeIdsWithRole(db, tenantId, 'setter');
    if (setters.length === 0 || count === 0) return Array.from({ length: count }, () => null);
    let last = await this.cursors.lock(db, tenantId);
    const turns: string[] = [];
    for (let i = 0; i < count; i++) {
      last = nextInRotation(setters, last)!;
      turns.push(last);
    }
    await this.cursors.advance(db, tenantId, last!);
    return turns;
  }

  /** Give the just-created lead to the next setter and enqueue `lead.assigned`; null when there is no setter. */
  async assignNewLead(db: EntityManager, tenantId: string, leadId: string): Promise<string | null> {
    const setters = await this.users.activeIdsWithRole(db, tenantId, 'setter');
    if (setters.length === 0) return null;
    const last = await this.cursors.lock(db, tenantId);
    const next = nextInRotation(setters, last);
    if (!next) return null;
    await this.cursors.advance(db, tenantId, next);
    const assignedAt = await this.leads.update(db, tenantId, leadId, { assigned_user_id: next });
    const event: LeadAssignedEvent = {
      tenantId,
      leadId,
      from: null,
      to: next,
      reason: 'round_robin',
      assignedAt: assignedAt.toISOString(),
    };
    await this.outbox.enqueue(db, tenantId, Events.leadAssigned, event);
    await this.activity.append(db, tenantId, {
      leadId,
      kind: 'assigned',
      at: assignedAt,
      details: { from: null, to: next, reason: 'round_robin' },
    });
    return next;
  }
}
