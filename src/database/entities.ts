import { Company, CompanyAdmin } from '../company/company.entity.js';
import { Client } from '../pet/client.entity.js';
import { Pet } from '../pet/pet.entity.js';
import { Staff } from '../staff/staff.entity.js';
import { User } from '../staff/user.entity.js';
import { Membership, Tenant } from '../tenant/tenant.entity.js';

export const ENTITIES = [Company, CompanyAdmin, Tenant, Membership, User, Staff, Client, Pet];
