import { sql, type Kysely } from 'kysely';
import type { ProfileStatusColumn, Schema } from './schema.js';

/**
 * The aggregate figures of a customer's dashboard. Each is one grouped query over the
 * customer's devices (or relationships), so the cost does not grow with what a page loads.
 */
export class DashboardRepo {
  constructor(private readonly db: Kysely<Schema>) {}

  /** How many of the customer's devices are in each profile status (absent: none). */
  async devicesByStatus(
    customerOrgId: string,
  ): Promise<{ status: ProfileStatusColumn; devices: number }[]> {
    const rows = await this.db
      .selectFrom('devices')
      .select(({ fn }) => ['profile_status', fn.countAll().as('n')])
      .where('customer_org_id', '=', customerOrgId)
      .groupBy('profile_status')
      .execute();
    return rows.map((r) => ({ status: r.profile_status, devices: Number(r.n) }));
  }

  /** How many of the customer's devices each profile has; a null profile counts those without. */
  async devicesByProfile(
    customerOrgId: string,
  ): Promise<{ profileId: string | null; displayName: string | null; devices: number }[]> {
    const rows = await this.db
      .selectFrom('devices')
      .leftJoin('deployment_profiles as p', 'p.id', 'devices.profile_id')
      .select(({ fn }) => ['devices.profile_id', 'p.display_name', fn.countAll().as('n')])
      .where('devices.customer_org_id', '=', customerOrgId)
      .groupBy(['devices.profile_id', 'p.display_name'])
      .execute();
    return rows.map((r) => ({
      profileId: r.profile_id,
      displayName: r.display_name,
      devices: Number(r.n),
    }));
  }

  /**
   * Registrations per UTC day in [from, to): timestamps are ISO-8601 UTC text, so the
   * first ten characters are the day on both databases.
   */
  async registrationsPerDay(
    customerOrgId: string,
    from: string,
    to: string,
  ): Promise<{ day: string; devices: number }[]> {
    const day = sql<string>`substr(registered_at, 1, 10)`;
    const rows = await this.db
      .selectFrom('devices')
      .select(({ fn }) => [day.as('day'), fn.countAll().as('n')])
      .where('customer_org_id', '=', customerOrgId)
      .where('registered_at', '>=', from)
      .where('registered_at', '<', to)
      .groupBy(day)
      .execute();
    return rows.map((r) => ({ day: r.day, devices: Number(r.n) }));
  }

  /**
   * Partners and OEMs the customer has an active relationship with. An active
   * relationship does not lapse by time (only invitations expire), so the stored status is
   * the current one.
   */
  async activeRegistrars(customerOrgId: string): Promise<number> {
    const row = await this.db
      .selectFrom('relationships')
      .select(({ fn }) => fn.count<number>('registrar_org_id').distinct().as('n'))
      .where('customer_org_id', '=', customerOrgId)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
