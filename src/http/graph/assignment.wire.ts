/**
 * Graph's `windowsAutopilotDeploymentProfileAssignment` (API-FACTS §2.5) ↔ our assignment
 * rules. Intune targets Entra groups by `groupId`; Preflight has no groups, so a target
 * carries the dynamic-group membership rule itself, in a Preflight extension property
 * `membershipRule` on `#microsoft.graph.groupAssignmentTarget` (the rule Entra would hold,
 * e.g. `(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))`).
 * `#microsoft.graph.allDevicesAssignmentTarget` stands for the rule "every Autopilot
 * device" (`-contains "[ZTDId]"`, §2.6).
 * @module
 */
import { Type } from '@sinclair/typebox';
import { PreflightError } from '../../domain/errors.js';
import { allAutopilotDevicesRule } from '../../services/graph/assignments.js';
import type { RuleView } from '../../services/profiles.js';

export const assignmentType = 'microsoft.graph.windowsAutopilotDeploymentProfileAssignment';
const groupTarget = 'microsoft.graph.groupAssignmentTarget';
const allDevicesTarget = 'microsoft.graph.allDevicesAssignmentTarget';

const example = '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))';
const howTo =
  `Send "target": {"@odata.type": "#${groupTarget}", "membershipRule": "${example.replaceAll('"', '\\"')}"} ` +
  `(the dynamic device-group rule the group would have), or {"@odata.type": "#${allDevicesTarget}"} for every Autopilot device.`;

function invalid(field: string, message: string, remedy = howTo): PreflightError {
  return new PreflightError('input.invalid', message, { field }, remedy);
}

const sameType = (value: unknown, type: string) =>
  typeof value === 'string' && value.replace(/^#/, '') === type;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body of POST `…/assignments`, as clients send it. */
export const assignmentBody = Type.Object(
  {
    '@odata.type': Type.Optional(Type.String()),
    id: Type.Optional(Type.Union([Type.Null(), Type.String({ description: 'Ignored.' })])),
    source: Type.Optional(Type.Union([Type.Null(), Type.String({ description: 'direct only.' })])),
    sourceId: Type.Optional(Type.Union([Type.Null(), Type.String({ description: 'Ignored.' })])),
    target: Type.Object(
      {
        '@odata.type': Type.String({
          description: `#${groupTarget} (with membershipRule) or #${allDevicesTarget}.`,
        }),
        membershipRule: Type.Optional(
          Type.String({
            description: `Preflight extension: the membership rule, e.g. ${example}.`,
          }),
        ),
        groupId: Type.Optional(
          Type.Union([
            Type.Null(),
            Type.String({ description: 'Not supported: no Entra groups.' }),
          ]),
        ),
        deviceAndAppManagementAssignmentFilterId: Type.Optional(
          Type.Union([Type.Null(), Type.String()]),
        ),
        deviceAndAppManagementAssignmentFilterType: Type.Optional(
          Type.Union([Type.Null(), Type.String()]),
        ),
      },
      { additionalProperties: true },
    ),
  },
  { additionalProperties: true },
);

/** An assignment as we send it. */
export const assignmentResponse = Type.Object(
  {
    '@odata.context': Type.Optional(Type.String()),
    '@odata.type': Type.Optional(Type.String()),
    id: Type.Optional(Type.String()),
    source: Type.Optional(Type.String()),
    sourceId: Type.Optional(Type.String()),
    target: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: true },
);

const bodyKeys = new Set(['@odata.type', '@odata.context', 'id', 'source', 'sourceId', 'target']);
const targetKeys = new Set([
  '@odata.type',
  'membershipRule',
  'groupId',
  'deviceAndAppManagementAssignmentFilterId',
  'deviceAndAppManagementAssignmentFilterType',
]);

/** The membership rule a client's assignment asks for; refuses what we cannot honour. */
export function fromGraphAssignment(body: unknown): string {
  if (!isRecord(body)) {
    throw invalid('body', 'An assignment must be a JSON object.');
  }
  for (const [key, value] of Object.entries(body)) {
    if (!bodyKeys.has(key) && value !== null) {
      throw invalid(
        key,
        `The property '${key}' does not exist on type '${assignmentType}'.`,
        `Remove ${key}.`,
      );
    }
  }
  if (body['@odata.type'] !== undefined && !sameType(body['@odata.type'], assignmentType)) {
    throw invalid(
      '@odata.type',
      `@odata.type must be #${assignmentType}.`,
      'Send it or leave it out.',
    );
  }
  if (body.source !== undefined && body.source !== null && body.source !== 'direct') {
    throw invalid(
      'source',
      `source ${JSON.stringify(body.source)} is not supported; Preflight has no policy sets.`,
      'Leave source out or send "direct".',
    );
  }
  const target = body.target;
  if (!isRecord(target)) {
    throw invalid('target', 'The assignment needs a target object.');
  }
  for (const [key, value] of Object.entries(target)) {
    if (!targetKeys.has(key) && value !== null) {
      throw invalid(`target.${key}`, `Preflight does not support target.${key}.`);
    }
  }
  const filterId = target.deviceAndAppManagementAssignmentFilterId;
  const filterType = target.deviceAndAppManagementAssignmentFilterType;
  if ((filterId ?? '') !== '' || (filterType ?? 'none') !== 'none') {
    throw invalid(
      'target.deviceAndAppManagementAssignmentFilterId',
      'Assignment filters are not supported (Intune does not apply them to Autopilot profiles either).',
      'Leave the filter properties out, or send filter type "none".',
    );
  }
  const rule = typeof target.membershipRule === 'string' ? target.membershipRule.trim() : '';
  const groupId = typeof target.groupId === 'string' ? target.groupId.trim() : '';
  const type = target['@odata.type'];
  if (sameType(type, allDevicesTarget)) {
    if (rule !== '' || groupId !== '') {
      throw invalid('target', `A #${allDevicesTarget} target takes no groupId or membershipRule.`);
    }
    return allAutopilotDevicesRule;
  }
  if (!sameType(type, groupTarget)) {
    throw invalid(
      'target.@odata.type',
      `Preflight does not support assignment targets of type ${JSON.stringify(type)}.`,
    );
  }
  if (groupId !== '') {
    throw invalid(
      'target.groupId',
      `Preflight has no Entra groups, so it cannot resolve groupId "${groupId.slice(0, 64)}".`,
    );
  }
  if (rule === '') {
    throw invalid('target.membershipRule', 'The group target needs a membershipRule.');
  }
  return rule;
}

/** A rule as a Graph assignment of `profileId`. */
export function toGraphAssignment(rule: RuleView): Record<string, unknown> {
  const filter = {
    deviceAndAppManagementAssignmentFilterId: null,
    deviceAndAppManagementAssignmentFilterType: 'none',
  };
  return {
    '@odata.type': `#${assignmentType}`,
    id: rule.id,
    source: 'direct',
    sourceId: rule.profileId,
    target:
      rule.rule === allAutopilotDevicesRule
        ? { '@odata.type': `#${allDevicesTarget}`, ...filter }
        : { '@odata.type': `#${groupTarget}`, groupId: null, membershipRule: rule.rule, ...filter },
  };
}
