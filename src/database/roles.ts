import pg from 'pg';

/** The role the app runs as: owns no table, no BYPASSRLS, so every tenant policy applies. */
export const RUNTIME_ROLE = 'vetlane_app';
/** The role that owns the schema and runs migrations over a direct connection. */
export const OWNER_ROLE = 'vetlane_owner';
/**
 * Owns the SECURITY DEFINER functions that read per-tenant numbers across all tenants
 * (numbers only). BYPASSRLS; the owner is a member so migrations can hand functions to it.
 * LOGIN without a password: Citus runs a function's distributed queries on the workers
 * as its owner, so the role must be able to connect from the coordinator; with password
 * authentication nobody can sign in as it.
 */
export const STATS_ROLE = 'vetlane_stats';
/** Bulk loads (the scale generator): the owner's privileges plus BYPASSRLS, since RLS blocks COPY. */
export const MAINTENANCE_ROLE = 'vetlane_maintenance';

export interface BootstrapOptions {
  /** A superuser connection to the cluster (its `postgres` database). */
  adminUrl: string;
  database: string;
  /** Passwords; omitted where the cluster trusts local connections (the test harness). */
  ownerPassword?: string;
  runtimePassword?: string;
  maintenancePassword?: string;
  /**
   * Citus: superuser connections to each worker's `postgres` database. Roles, the
   * database and superuser steps are set up on every node, the citus extension is created
   * on all of them and the workers are added to the coordinator (`adminUrl`).
   */
  workerAdminUrls?: string[];
}

async function ensureRole(
  client: pg.Client,
  role: string,
  password: string | undefined,
  attrs = 'login nosuperuser nobypassrls nocreaterole',
) {
  const exists = await client.query('select 1 from pg_roles where rolname = $1', [role]);
  const pw = password === undefined ? '' : ` password ${client.escapeLiteral(password)}`;
  if (exists.rowCount === 0) {
    try {
      await client.query(`create role ${role} ${attrs}${pw}`);
    } catch (err) {
      // Two bootstraps racing on the same cluster (parallel test runs): the other one won.
      if ((err as { code?: string }).code !== '42710') throw err;
    }
  }
  await client.query(`alter role ${role} ${attrs}${pw}`);
}

/**
 * Creates the roles and the database, idempotently, on the one PostgreSQL or on every
 * Citus node. Needs a superuser; production installs do the same once by hand (see
 * docker/postgres-init.sh).
 */
export async function bootstrapDatabase(opts: BootstrapOptions): Promise<void> {
  const workers = opts.workerAdminUrls ?? [];
  for (const adminUrl of [...workers, opts.adminUrl]) {
    await bootstrapNode({ ...opts, adminUrl });
    await allowIndexedLikeUnderRls(adminUrl, opts.database);
  }
  if (workers.length) await formCitusCluster(opts.adminUrl, workers, opts.database);
}

async function bootstrapNode(opts: BootstrapOptions): Promise<void> {
  const client = new pg.Client({ connectionString: opts.adminUrl });
  await client.connect();
  try {
    await ensureRole(client, OWNER_ROLE, opts.ownerPassword);
    await ensureRole(client, RUNTIME_ROLE, opts.runtimePassword);
    await ensureRole(client, STATS_ROLE, undefined, 'login nosuperuser bypassrls nocreaterole');
    await ensureRole(
      client,
      MAINTENANCE_ROLE,
      opts.maintenancePassword,
      'login nosuperuser bypassrls nocreaterole',
    );
    await client.query(`grant ${STATS_ROLE} to ${OWNER_ROLE}`);
    await client.query(`grant ${OWNER_ROLE} to ${MAINTENANCE_ROLE}`);
    // Counting active connections needs to see other roles' sessions.
    await client.query(`grant pg_read_all_stats to ${STATS_ROLE}`);
    // A runaway query must not hold a pooled server connection for ever.
    await client.query(`alter role ${RUNTIME_ROLE} set statement_timeout = '15s'`);
    await client.query(
      `alter role ${RUNTIME_ROLE} set idle_in_transaction_session_timeout = '30s'`,
    );
    const db = await client.query('select 1 from pg_database where datname = $1', [opts.database]);
    if (db.rowCount === 0) {
      await client.query(
        `create database ${client.escapeIdentifier(opts.database)} owner ${OWNER_ROLE}`,
      );
    }
  } finally {
    await client.end();
  }
}

/** The citus extension on every node, and the workers added to the coordinator. */
async function formCitusCluster(coordinatorUrl: string, workers: string[], database: string) {
  for (const url of [...workers, coordinatorUrl])
    await inDatabase(url, database, (db) => db.query('create extension if not exists citus'));
  await inDatabase(coordinatorUrl, database, async (db) => {
    const self = new URL(coordinatorUrl);
    await db.query('select citus_set_coordinator_host($1, $2)', [
      self.hostname,
      Number(self.port || 5432),
    ]);
    for (const worker of workers.map((w) => new URL(w)))
      await db.query('select citus_add_node($1, $2)', [
        worker.hostname,
        Number(worker.port || 5432),
      ]);
  });
}

async function inDatabase(
  adminUrl: string,
  database: string,
  work: (client: pg.Client) => Promise<unknown>,
): Promise<void> {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Lets the search box's trigram indexes (clients/pets `search_text`) work under row level
 * security. The planner puts a user's condition into an index scan, ahead of the tenant
 * policy, only when its function is LEAKPROOF; LIKE's textlike is not marked so, so every
 * search scanned all of the tenant's rows (~100 ms at 100,000 clients; test/bench/search.ts).
 * textlike can fail only on a malformed pattern, never because of the row it reads, so it
 * reveals nothing about rows the policy hides. Needs a superuser, once per database
 * (docker/postgres-init.sh does the same); without it search still works, only slower.
 */
async function allowIndexedLikeUnderRls(adminUrl: string, database: string) {
  await inDatabase(adminUrl, database, (db) =>
    db.query('alter function pg_catalog.textlike(text, text) leakproof'),
  );
}
