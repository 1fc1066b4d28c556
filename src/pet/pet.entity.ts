import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const SPECIES = [
  'dog',
  'cat',
  'rabbit',
  'bird',
  'ferret',
  'guinea_pig',
  'hamster',
  'reptile',
  'horse',
  'other',
] as const;
export type Species = (typeof SPECIES)[number];

@Entity('pets')
export class Pet {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'client_id' }) clientId!: string;
  @Column('text') name!: string;
  @Column('text') species!: Species;
  @Column('text', { nullable: true }) breed!: string | null;
  @Column('text') sex!: 'male' | 'female' | 'unknown';
  @Column('boolean') neutered!: boolean;
  @Column('date', { name: 'date_of_birth', nullable: true }) dateOfBirth!: string | null;
  @Column('text', { nullable: true }) microchip!: string | null;
  @Column('text', { nullable: true }) colour!: string | null;
  @Column('numeric', { name: 'weight_kg', nullable: true }) weightKg!: string | null;
  @Column('text', { nullable: true }) alerts!: string | null;
  @Column('date', { name: 'deceased_on', nullable: true }) deceasedOn!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
