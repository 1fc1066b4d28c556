import { z } from 'zod';

/** The roles a company admin may give someone in one of its clinics. */
export const ASSIGNABLE_ROLES = ['manager', 'vet', 'nurse', 'front_desk'] as const;

/** Giving a person a role in a clinic; messages are catalog keys. */
export const AssignStaffForm = z.object({
  clinic: z.string({ error: 'rollup.errors.clinic' }).min(1, { error: 'rollup.errors.clinic' }),
  email: z
    .string({ error: 'rollup.errors.email' })
    .trim()
    .toLowerCase()
    .email({ error: 'rollup.errors.email' })
    .max(254, { error: 'validation.tooLong' }),
  name: z
    .string({ error: 'validation.text' })
    .trim()
    .max(200, { error: 'validation.tooLong' })
    .optional()
    .default(''),
  role: z.enum(ASSIGNABLE_ROLES, { error: 'rollup.errors.role' }),
  password: z
    .string({ error: 'validation.text' })
    .max(1024, { error: 'validation.tooLong' })
    .optional()
    .default(''),
});
export type AssignStaffInput = z.infer<typeof AssignStaffForm>;
