/**
 * A start-up failure a person can act on: its message is one sentence saying what is wrong
 * and what to do, printed without a stack trace (main.ts).
 */
export class StartupError extends Error {}
