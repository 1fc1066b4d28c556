import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError, ValidationFailed } from '../common/app-error.js';
import { parseInput } from '../common/validation.js';
import { RUNTIME_DATA_SOURCE, TenantDb } from '../database/tenant-db.js';
import { PasswordService } from '../staff/password.service.js';
import type { MembershipRole } from '../tenant/request-context.js';
import { AssignStaffForm, type AssignStaffInput } from './company.forms.js';
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
    @Inject(RUNTIME_DATA_SOURCE) private readonly directory: DataSource,
    private readonly db: TenantDb,
    private readonly audit: AuditService,
    private readonly passwords: PasswordService,
  ) {}

  async people(company: CompanyView): Promise<CompanyPerson[]> {
    const rows: {
      user_id: string;
      name: string;
      email: string;
      slug: string;
      role: MembershipRole;
    }[] = await this.directory.query(
      `select u.id as user_id, u.name, u.email, t.slug, m.role
           from memberships m join users u on u.id = m.user_id join tenants t on t.id = m.tenant_id
          where t.company_id = $1 order by u.name, u.email`,
      [company.id],
    );
    const people = new Map<string, CompanyPerson>();
    for (const r of rows) {
      const person = people.get(r.user_id) ?? {
        userId: r.user_id,
        name: r.name,
        email: r.email,
        roles: {},
      };
      person.roles[r.slug] = r.role;
      people.set(r.user_id, person);
    }
    return [...people.values()];
  }

  /** Gives a person (new or existing user) a role in one of the company's clinics. */
  async assign(company: CompanyView, body: unknown): Promise<void> {
    const form = parseInput(AssignStaffForm, body);
    const clinic = company.clinics.find((c) => c.slug === form.clinic);
    if (!clinic) throw new ValidationFailed({ clinic: 'rollup.errors.clinic' });
    const userId = await this.findOrCreateUser(form);
    await this.db.runFor(clinic.id, async (tx) => {
      const [before] = await tx.manager.query(
        'select role from memberships where tenant_id = $1 and user_id = $2',
        [tx.tenantId, userId],
      );
      await tx.manager.query(
        `insert into memberships (tenant_id, user_id, role) values ($1, $2, $3)
         on conflict (tenant_id, user_id) do update set role = excluded.role`,
        [tx.tenantId, userId, form.role],
      );
      const [user] = await tx.manager.query('select name, email from users where id = $1', [
        userId,
      ]);
      const [staff] = await tx.manager.query(
        `insert into staff (tenant_id, user_id, name, kind, email, takes_appointments)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (tenant_id, user_id) do update set kind = excluded.kind, active = true
         returning id`,
        [tx.tenantId, userId, user.name, form.role, user.email, form.role === 'vet'],
      );
      await this.audit.record(tx, {
        action: before ? 'staff.role_changed' : 'staff.added',
        entity: 'staff',
        entityId: staff.id,
        before: before ? { role: before.role } : undefined,
        after: { role: form.role, email: user.email },
      });
    });
  }

  /** Takes a person's membership in one clinic away; their staff row stays, inactive, for history. */
  async remove(company: CompanyView, clinicSlug: string, userId: string): Promise<void> {
    const clinic = company.clinics.find((c) => c.slug === clinicSlug);
    if (!clinic || !z.string().uuid().safeParse(userId).success)
      throw new NotFoundError('membership');
    await this.db.runFor(clinic.id, async (tx) => {
      const [gone] = await tx.manager.query(
        'delete from memberships where tenant_id = $1 and user_id = $2 returning role',
        [tx.tenantId, userId],
      );
      if (!gone) throw new NotFoundError('membership');
      const [staff] = await tx.manager.query(
        'update staff set active = false where tenant_id = $1 and user_id = $2 returning id',
        [tx.tenantId, userId],
      );
      await this.audit.record(tx, {
        action: 'staff.removed',
        entity: 'staff',
        entityId: staff?.id ?? null,
        before: { role: gone.role },
      });
    });
  }

  private async findOrCreateUser(form: AssignStaffInput): Promise<string> {
    const [existing] = await this.directory.query('select id from users where email = $1', [
      form.email,
    ]);
    if (existing) return existing.id;
    const problems: Record<string, string> = {};
    if (!form.name) problems.name = 'rollup.errors.name';
    if (form.password.length < 12) problems.password = 'rollup.errors.password';
    if (Object.keys(problems).length) throw new ValidationFailed(problems);
    const hash = await this.passwords.hash(form.password);
    const [created] = await this.directory.query(
      `insert into users (email, name, password_hash) values ($1, $2, $3)
       on conflict (email) do update set email = excluded.email returning id`,
      [form.email, form.name, hash],
    );
    return created.id;
  }
}
