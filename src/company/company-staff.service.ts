import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError, ValidationFailed } from '../common/app-error.js';
import { isUuid } from '../common/ids.js';
import { parseInput } from '../common/validation.js';
import { RUNTIME_DATA_SOURCE, TenantDb } from '../database/tenant-db.js';
import type { UserContact } from '../staff/staff.queries.js';
import { StaffService } from '../staff/staff.service.js';
import { UserService } from '../staff/user.service.js';
import type { MembershipRole } from '../tenant/request-context.js';
import { AssignStaffForm, type AssignStaffInput } from './company.forms.js';
import { AccessRevocations } from '../tenant/access-revocations.js';
import { TenantService } from '../tenant/tenant.service.js';
import { CompanyQueries } from './company.queries.js';
import type { CompanyView } from './company.service.js';

export interface CompanyPerson {
  userId: string;
  name: string;
  email: string;
  /** Role per clinic slug; a clinic without a role has no entry. */
  roles: Record<string, MembershipRole>;
}

/**
 * People who work at a company's clinics: one user, one membership (and role) per clinic,
 * plus the clinic's staff row linked to that user. Each change is one transaction in the
 * clinic's tenant and is audited there.
 */
@Injectable()
export class CompanyStaffService {
  constructor(
    // Raw runtime DataSource: who works where across the company's clinics is directory data.
    @Inject(RUNTIME_DATA_SOURCE) private readonly directory: DataSource,
    private readonly db: TenantDb,
    private readonly audit: AuditService,
    private readonly users: UserService,
    private readonly staff: StaffService,
    private readonly tenants: TenantService,
    private readonly revocations: AccessRevocations,
  ) {}

  async people(company: CompanyView): Promise<CompanyPerson[]> {
    const people = new Map<string, CompanyPerson>();
    for (const r of await CompanyQueries.memberships(this.directory, company.id)) {
      const person = people.get(r.userId) ?? {
        userId: r.userId,
        name: r.name,
        email: r.email,
        roles: {},
      };
      person.roles[r.slug] = r.role;
      people.set(r.userId, person);
    }
    return [...people.values()];
  }

  /** Gives a person (new, or already working for the company) a role in one of the company's clinics. */
  async assign(company: CompanyView, body: unknown): Promise<void> {
    const form = parseInput(AssignStaffForm, body);
    const clinic = company.clinics.find((c) => c.slug === form.clinic);
    if (!clinic) throw new ValidationFailed({ clinic: 'rollup.errors.clinic' });
    const user = await this.findOrCreateUser(company, form);
    await this.db.runFor(clinic.id, async (tx) => {
      const before = await this.tenants.membershipRole(tx, user.id);
      await this.tenants.grantMembership(tx, user.id, form.role);
      const staffId = await this.staff.linkUser(tx, {
        user,
        kind: form.role,
        takesAppointments: form.role === 'vet',
      });
      await this.audit.record(tx, {
        action: before ? 'staff.role_changed' : 'staff.added',
        entity: 'staff',
        entityId: staffId,
        before: before ? { role: before } : undefined,
        after: { role: form.role, email: user.email },
      });
    });
    // A changed role is checked afresh when the live calendar reconnects.
    this.revocations.publish({ userId: user.id });
  }

  /** Takes a person's membership in one clinic away; their staff row stays, inactive, for history. */
  async remove(company: CompanyView, clinicSlug: string, userId: string): Promise<void> {
    const clinic = company.clinics.find((c) => c.slug === clinicSlug);
    if (!clinic || !isUuid(userId)) throw new NotFoundError('membership');
    await this.db.runFor(clinic.id, async (tx) => {
      const role = await this.tenants.revokeMembership(tx, userId);
      if (!role) throw new NotFoundError('membership');
      const staffId = await this.staff.deactivateUser(tx, userId);
      await this.audit.record(tx, {
        action: 'staff.removed',
        entity: 'staff',
        entityId: staffId,
        before: { role },
      });
    });
    this.revocations.publish({ userId });
  }

  /**
   * A new email becomes a new login. An existing login is attached only when that person
   * already works for the company: anyone else would be enrolled (and made bookable)
   * without their consent, so the form refuses them.
   */
  private async findOrCreateUser(
    company: CompanyView,
    form: AssignStaffInput,
  ): Promise<UserContact> {
    const existing = await this.users.byEmail(form.email);
    if (existing) {
      if (await CompanyQueries.worksFor(this.directory, company.id, existing.id)) return existing;
      throw new ValidationFailed({ email: 'rollup.errors.outsideCompany' });
    }
    const problems: Record<string, string> = {};
    if (!form.name) problems.name = 'rollup.errors.name';
    if (form.password.length < 12) problems.password = 'rollup.errors.password';
    if (Object.keys(problems).length) throw new ValidationFailed(problems);
    return this.users.create({ email: form.email, name: form.name, password: form.password });
  }
}
