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
