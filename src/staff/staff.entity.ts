import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type StaffKind = 'vet' | 'nurse' | 'front_desk' | 'groomer' | 'manager';

@Entity('staff')
export class Staff {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'user_id', nullable: true }) userId!: string | null;
  @Column('text') name!: string;
  @Column('text') kind!: StaffKind;
  @Column('citext', { nullable: true }) email!: string | null;
  @Column('text', { nullable: true }) phone!: string | null;
  @Column('boolean', { name: 'takes_appointments' }) takesAppointments!: boolean;
  @Column('boolean') active!: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
