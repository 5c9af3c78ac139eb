import { describe, expect, it } from 'vitest';
import { refusal } from '../../../test/kit/refusal.js';
import { parseAssignmentRule } from '../../domain/assignment-rule.js';
import { allAutopilotDevicesRule } from '../../services/graph/assignments.js';
import type { RuleView } from '../../services/profiles.js';
import { fromGraphAssignment, toGraphAssignment } from './assignment.wire.js';

const salesRule = '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))';
const group = (target: Record<string, unknown>) => ({
  target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', ...target },
});

const rule = (text: string): RuleView => ({
  id: 'rule-1',
  customerOrgId: 'c',
  profileId: 'p1',
  rule: text,
  createdAt: '2026-01-15T09:00:00.000Z',
  createdBy: 'client:x',
});

describe(fromGraphAssignment.name, () => {
  it('reads a group target with a membership rule', () => {
    expect(fromGraphAssignment(group({ membershipRule: ` ${salesRule} ` }))).toBe(salesRule);
    expect(
      fromGraphAssignment({
        '@odata.type': '#microsoft.graph.windowsAutopilotDeploymentProfileAssignment',
        source: 'direct',
        ...group({
          membershipRule: salesRule,
          groupId: null,
          deviceAndAppManagementAssignmentFilterType: 'none',
        }),
      }),
    ).toBe(salesRule);
  });

  it('reads "all devices" as the rule for every Autopilot device, which our parser reads', () => {
    expect(
      fromGraphAssignment({
        target: { '@odata.type': 'microsoft.graph.allDevicesAssignmentTarget' },
      }),
    ).toBe(allAutopilotDevicesRule);
    expect(parseAssignmentRule(allAutopilotDevicesRule).ok).toBe(true);
  });

  it('refuses a group id alone, saying what to send instead', () => {
    const error = refusal(() => fromGraphAssignment(group({ groupId: 'g-1' })));
    expect(error.details.field).toBe('target.groupId');
    expect(error.message).toContain('no Entra groups');
    expect(error.remedy).toContain('membershipRule');
    expect(refusal(() => fromGraphAssignment(group({}))).details.field).toBe(
      'target.membershipRule',
    );
  });

  it('refuses exclusions, filters, policy sets and unknown properties', () => {
    const fields = [
      {
        target: { '@odata.type': '#microsoft.graph.exclusionGroupAssignmentTarget', groupId: 'g' },
      },
      group({ membershipRule: salesRule, deviceAndAppManagementAssignmentFilterId: 'f1' }),
      { source: 'policySets', ...group({ membershipRule: salesRule }) },
      { colour: 'x', ...group({ membershipRule: salesRule }) },
      group({ membershipRule: salesRule, intent: 'apply' }),
      {
        target: {
          '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget',
          membershipRule: salesRule,
        },
      },
      {},
    ].map((body) => refusal(() => fromGraphAssignment(body)).details.field);
    expect(fields).toEqual([
      'target.@odata.type',
      'target.deviceAndAppManagementAssignmentFilterId',
      'source',
      'colour',
      'target.intent',
      'target',
      'target',
    ]);
  });
});

describe(toGraphAssignment.name, () => {
  it('writes a rule as a group target carrying it, and the all-devices rule as all devices', () => {
    expect(toGraphAssignment(rule(salesRule))).toEqual({
      '@odata.type': '#microsoft.graph.windowsAutopilotDeploymentProfileAssignment',
      id: 'rule-1',
      source: 'direct',
      sourceId: 'p1',
      target: {
        '@odata.type': '#microsoft.graph.groupAssignmentTarget',
        groupId: null,
        membershipRule: salesRule,
        deviceAndAppManagementAssignmentFilterId: null,
        deviceAndAppManagementAssignmentFilterType: 'none',
      },
    });
    expect(toGraphAssignment(rule(allAutopilotDevicesRule)).target).toMatchObject({
      '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget',
    });
  });

  it('round-trips: what it writes, it reads back to the same rule', () => {
    for (const text of [salesRule, allAutopilotDevicesRule]) {
      const written = toGraphAssignment(rule(text));
      expect(fromGraphAssignment({ ...written, '@odata.context': 'x' })).toBe(text);
    }
  });
});
