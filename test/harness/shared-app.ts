/**
 * One app for the whole run, booted in global setup on the run's services, for test files
 * that only talk to it over HTTP and Socket.IO. Such a file does not import the app at all,
 * which is most of what a file costs before its first test. Tests that need the app's
 * internals or other settings start their own (app.ts).
 */
const URL_VARIABLE = 'VETLANE_SHARED_APP_URL';

export function sharedApp(): { url: string } {
  const url = process.env[URL_VARIABLE];
  if (!url) throw new Error('The shared app starts in Jest global setup (jest.config.js)');
  return { url };
}

/** Global setup only. Enough connections for the booking races; admin numbers fresh within 1 s. */
export async function startSharedApp(): Promise<{ close(): Promise<void> }> {
  const { startTestApp } = await import('./app.js');
  const app = await startTestApp({ DATABASE_POOL_SIZE: '20', ADMIN_STATS_TTL_SECONDS: '1' });
  process.env[URL_VARIABLE] = app.url;
  return app;
}
