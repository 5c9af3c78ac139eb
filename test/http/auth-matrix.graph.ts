import { syntheticDevice } from '../kit/devices.js';
import type { Probe } from './auth-matrix.table.js';

const json = { 'content-type': 'application/json' };
const unknownId = '00000000-0000-4000-8000-000000000000';

/**
 * Probes for the Graph-compatible routes, under both versions. The allowed caller is the
 * customer's admin (a token for its own tenant); ids that exist nowhere give 404 to it.
 * Writes that create something make it unique per version, so the two runs do not clash.
 */
export function graphProbes(): Record<string, Probe> {
  const probes: Record<string, Probe> = {};
  for (const version of ['beta', 'v1.0']) {
    const dm = `/${version}/deviceManagement`;
    const imports = `${dm}/importedWindowsAutopilotDeviceIdentities`;
    const devices = `${dm}/windowsAutopilotDeviceIdentities`;
    const profiles = `${dm}/windowsAutopilotDeploymentProfiles`;
    const record = (n: number) => ({
      serialNumber: syntheticDevice(n).serialNumber,
      hardwareIdentifier: syntheticDevice(n).hardwareHash,
    });
    const n = version === 'beta' ? 9001 : 9002;
    Object.assign(probes, {
      [`POST ${imports}`]: {
        request: () => ({ url: imports, payload: record(n), headers: json }),
        ok: 201,
      },
      [`POST ${imports}/import`]: {
        request: () => ({
          url: `${imports}/import`,
          payload: { importedWindowsAutopilotDeviceIdentities: [record(n + 10)] },
          headers: json,
        }),
        ok: 200,
      },
      [`GET ${imports}`]: { request: () => ({ url: imports }), ok: 200 },
      [`GET ${imports}/:id`]: { request: () => ({ url: `${imports}/${unknownId}` }), ok: 404 },
      [`DELETE ${imports}/:id`]: { request: () => ({ url: `${imports}/${unknownId}` }), ok: 404 },
      [`GET ${devices}`]: { request: () => ({ url: devices }), ok: 200 },
      [`GET ${devices}/:id`]: { request: () => ({ url: `${devices}/${unknownId}` }), ok: 404 },
      [`DELETE ${devices}/:id`]: { request: () => ({ url: `${devices}/${unknownId}` }), ok: 404 },
      [`POST ${devices}/:id/updateDeviceProperties`]: {
        request: () => ({
          url: `${devices}/${unknownId}/updateDeviceProperties`,
          payload: { groupTag: 'Sales' },
          headers: json,
        }),
        ok: 404,
      },
      [`POST ${devices}/:id/assignUserToDevice`]: {
        request: () => ({
          url: `${devices}/${unknownId}/assignUserToDevice`,
          payload: { userPrincipalName: 'ana@contoso.example' },
          headers: json,
        }),
        ok: 404,
      },
      [`POST ${devices}/:id/unassignUserFromDevice`]: {
        request: () => ({ url: `${devices}/${unknownId}/unassignUserFromDevice` }),
        ok: 404,
      },
      [`GET ${profiles}`]: { request: () => ({ url: profiles }), ok: 200 },
      [`POST ${profiles}`]: {
        request: () => ({
          url: profiles,
          payload: { displayName: `Matrix ${version}` },
          headers: json,
        }),
        ok: 201,
      },
      [`GET ${profiles}/:id`]: { request: () => ({ url: `${profiles}/${unknownId}` }), ok: 404 },
      [`PATCH ${profiles}/:id`]: {
        request: () => ({
          url: `${profiles}/${unknownId}`,
          payload: { description: 'x' },
          headers: json,
        }),
        ok: 404,
      },
      [`DELETE ${profiles}/:id`]: { request: () => ({ url: `${profiles}/${unknownId}` }), ok: 404 },
      [`GET ${profiles}/:id/assignments`]: {
        request: () => ({ url: `${profiles}/${unknownId}/assignments` }),
        ok: 404,
      },
      [`POST ${profiles}/:id/assignments`]: {
        request: () => ({
          url: `${profiles}/${unknownId}/assignments`,
          payload: { target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' } },
          headers: json,
        }),
        ok: 404,
      },
      [`GET ${profiles}/:id/assignments/:assignmentId`]: {
        request: () => ({ url: `${profiles}/${unknownId}/assignments/${unknownId}` }),
        ok: 404,
      },
      [`DELETE ${profiles}/:id/assignments/:assignmentId`]: {
        request: () => ({ url: `${profiles}/${unknownId}/assignments/${unknownId}` }),
        ok: 404,
      },
      [`GET ${profiles}/:id/assignedDevices`]: {
        request: () => ({ url: `${profiles}/${unknownId}/assignedDevices` }),
        ok: 404,
      },
      [`GET ${dm}/windowsAutopilotSettings`]: {
        request: () => ({ url: `${dm}/windowsAutopilotSettings` }),
        ok: 200,
      },
      [`POST ${dm}/windowsAutopilotSettings/sync`]: {
        request: () => ({ url: `${dm}/windowsAutopilotSettings/sync` }),
        ok: 204,
      },
    } satisfies Record<string, Probe>);
  }
  return probes;
}
