import type { Insertable, Kysely, Selectable } from 'kysely';
import type { AssignmentRulesTable, DeploymentProfilesTable, Schema } from './schema.js';

export type ProfileRow = Selectable<DeploymentProfilesTable>;
export type RuleRow = Selectable<AssignmentRulesTable>;

/** Deployment profiles and assignment rules; every method is scoped to one customer. */
export class ProfileRepo {
  constructor(private readonly db: Kysely<Schema>) {}

  async insertProfile(profile: Insertable<DeploymentProfilesTable>): Promise<void> {
    await this.db.insertInto('deployment_profiles').values(profile).execute();
  }

  async updateProfile(
    customerOrgId: string,
    id: string,
    changes: Pick<
      ProfileRow,
      'display_name' | 'name_key' | 'description' | 'settings' | 'updated_at'
    >,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('deployment_profiles')
      .set(changes)
      .where('id', '=', id)
      .where('customer_org_id', '=', customerOrgId)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async deleteProfile(customerOrgId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('deployment_profiles')
      .where('id', '=', id)
      .where('customer_org_id', '=', customerOrgId)
      .executeTakeFirst();
    return result.numDeletedRows === 1n;
  }

  /** The customer's profiles, oldest first (the oldest wins when several rules match). */
  async listProfiles(customerOrgId: string): Promise<ProfileRow[]> {
    return this.db
      .selectFrom('deployment_profiles')
      .selectAll()
      .where('customer_org_id', '=', customerOrgId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  /** A profile of the customer by id or by name (any case). */
  async findProfile(
    customerOrgId: string,
    ref: string,
    nameKey: string,
  ): Promise<ProfileRow | undefined> {
    return this.db
      .selectFrom('deployment_profiles')
      .selectAll()
      .where('customer_org_id', '=', customerOrgId)
      .where((eb) => eb.or([eb('id', '=', ref), eb('name_key', '=', nameKey)]))
      .executeTakeFirst();
  }

  /** The customer's profiles managed by a partner (Partner Center policies), oldest first. */
  async listManagedBy(customerOrgId: string, managerOrgId: string): Promise<ProfileRow[]> {
    return this.db
      .selectFrom('deployment_profiles')
      .selectAll()
      .where('customer_org_id', '=', customerOrgId)
      .where('managed_by_org_id', '=', managerOrgId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  /** One profile of the customer managed by `managerOrgId`, by id only. */
  async findManagedBy(
    customerOrgId: string,
    managerOrgId: string,
    id: string,
  ): Promise<ProfileRow | undefined> {
    return this.db
      .selectFrom('deployment_profiles')
      .selectAll()
      .where('customer_org_id', '=', customerOrgId)
      .where('managed_by_org_id', '=', managerOrgId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** How many of the customer's devices each profile is assigned to (absent: none). */
  async assignedCounts(
    customerOrgId: string,
    profileIds: readonly string[],
  ): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (let i = 0; i < profileIds.length; i += 1000) {
      const rows = await this.db
        .selectFrom('devices')
        .select(({ fn }) => ['profile_id', fn.countAll().as('n')])
        .where('customer_org_id', '=', customerOrgId)
        .where('profile_id', 'in', profileIds.slice(i, i + 1000))
        .groupBy('profile_id')
        .execute();
      for (const row of rows) {
        counts.set(row.profile_id as string, Number(row.n));
      }
    }
    return counts;
  }

  /** Ids of the customer's devices assigned to a profile. */
  async devicesWithProfile(customerOrgId: string, profileId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('devices')
      .select('id')
      .where('customer_org_id', '=', customerOrgId)
      .where('profile_id', '=', profileId)
      .orderBy('id')
      .execute();
    return rows.map((row) => row.id);
  }

  async insertRule(rule: Insertable<AssignmentRulesTable>): Promise<void> {
    await this.db.insertInto('assignment_rules').values(rule).execute();
  }

  async deleteRule(customerOrgId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('assignment_rules')
      .where('id', '=', id)
      .where('customer_org_id', '=', customerOrgId)
      .executeTakeFirst();
    return result.numDeletedRows === 1n;
  }

  /** The customer's rules, ordered by their profile's age, then their own. */
  async listRules(customerOrgId: string): Promise<(RuleRow & { profile_created_at: string })[]> {
    return this.db
      .selectFrom('assignment_rules as r')
      .innerJoin('deployment_profiles as p', 'p.id', 'r.profile_id')
      .selectAll('r')
      .select('p.created_at as profile_created_at')
      .where('r.customer_org_id', '=', customerOrgId)
      .orderBy('p.created_at')
      .orderBy('p.id')
      .orderBy('r.created_at')
      .orderBy('r.id')
      .execute();
  }
}
