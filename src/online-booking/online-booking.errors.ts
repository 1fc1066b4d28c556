import { appError } from '../common/app-error.js';

/**
 * The chosen time cannot be booked (taken meanwhile, closed, in the past). Says nothing of
 * who holds it: the visitor is anonymous.
 */
export class OnlineSlotUnavailable extends appError('online_slot_unavailable', 409, {
  message: 'That time is no longer free; please choose another',
  field: 'slot',
}) {}

/** A verification link that names no request, or one whose hold expired. */
export class OnlineLinkInvalid extends appError('online_link_invalid', 410, {
  message: 'This link is no longer valid',
}) {}
