// Runs Microsoft's own Graph JavaScript client against Preflight, in a process of its own
// so that NODE_EXTRA_CA_CERTS (read only at start-up) makes it trust the test certificate.
// Input: environment (see below). Output: one JSON object on stdout with what it observed;
// the test asserts on it. Any client error is printed as { failed: {...} } and exit 1.
import { Client, PageIterator } from '@microsoft/microsoft-graph-client';

const { BASE_URL, TENANT, CLIENT_ID, CLIENT_SECRET, DEVICES, FILTER_PREFIX } = process.env;

async function fetchToken() {
  const response = await fetch(`${BASE_URL}/${TENANT}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
  if (!response.ok) {
    throw new Error(`token endpoint answered ${response.status}: ${await response.text()}`);
  }
  return (await response.json()).access_token;
}

let cached;
const client = Client.initWithMiddleware({
  baseUrl: BASE_URL,
  defaultVersion: 'beta',
  customHosts: new Set([new URL(BASE_URL).hostname]),
  authProvider: { getAccessToken: async () => (cached ??= await fetchToken()) },
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const observed = {};
try {
  const devices = JSON.parse(DEVICES);
  // 1. Import several devices with the `import` action, as WindowsAutopilotIntune does.
  const imported = await client
    .api('/deviceManagement/importedWindowsAutopilotDeviceIdentities/import')
    .post({
      importedWindowsAutopilotDeviceIdentities: devices.map((d) => ({
        '@odata.type': '#microsoft.graph.importedWindowsAutopilotDeviceIdentity',
        serialNumber: d.serialNumber,
        hardwareIdentifier: d.hardwareHash,
        groupTag: d.groupTag ?? '',
        productKey: '',
        assignedUserPrincipalName: '',
        state: {
          deviceImportStatus: 'pending',
          deviceRegistrationId: '',
          deviceErrorCode: 0,
          deviceErrorName: '',
        },
      })),
    });
  observed.importedCount = imported.value.length;
  observed.initialStates = imported.value.map((r) => r.state.deviceImportStatus);

  // 2. Poll each import record until the service has processed it.
  const finalStates = [];
  for (const record of imported.value) {
    let state;
    for (let i = 0; i < 100; i += 1) {
      state = (
        await client.api(`/deviceManagement/importedWindowsAutopilotDeviceIdentities/${record.id}`).get()
      ).state;
      if (state.deviceImportStatus !== 'unknown' && state.deviceImportStatus !== 'pending') {
        break;
      }
      await sleep(100);
    }
    finalStates.push(state);
  }
  observed.finalStates = finalStates;

  // 3. List registered devices, two per page, filtered, following @odata.nextLink.
  const serials = [];
  let pages = 0;
  const first = await client
    .api('/deviceManagement/windowsAutopilotDeviceIdentities')
    .filter(`startswith(serialNumber,'${FILTER_PREFIX}')`)
    .top(2)
    .get();
  const iterator = new PageIterator(client, first, (device) => {
    serials.push(device.serialNumber);
    return true;
  });
  const countPages = (page) => (pages += page ? 1 : 0);
  countPages(first);
  await iterator.iterate();
  observed.listedSerials = serials;
  observed.firstPageHadNextLink = typeof first['@odata.nextLink'] === 'string';

  // 4. Change one device's group tag, then read it back.
  const target = finalStates[0].deviceRegistrationId;
  await client
    .api(`/deviceManagement/windowsAutopilotDeviceIdentities/${target}/updateDeviceProperties`)
    .post({ groupTag: 'Microsoft365Managed_Autopilot' });
  const updated = await client.api(`/deviceManagement/windowsAutopilotDeviceIdentities/${target}`).get();
  observed.updatedGroupTag = updated.groupTag;
  observed.updatedProfileStatus = updated.deploymentProfileAssignmentStatus;

  // 5. Delete it; reading it again must fail with Graph's 404.
  await client.api(`/deviceManagement/windowsAutopilotDeviceIdentities/${target}`).delete();
  try {
    await client.api(`/deviceManagement/windowsAutopilotDeviceIdentities/${target}`).get();
    observed.afterDelete = 'still there';
  } catch (error) {
    observed.afterDelete = { statusCode: error.statusCode, code: error.code };
  }

  // 6. Clean up the import records, as Microsoft's scripts do.
  for (const record of imported.value) {
    await client.api(`/deviceManagement/importedWindowsAutopilotDeviceIdentities/${record.id}`).delete();
  }
  const remaining = await client.api('/deviceManagement/importedWindowsAutopilotDeviceIdentities').get();
  observed.remainingImports = remaining.value.length;

  // 7. A bad request surfaces as a GraphError with Graph's code and our located message.
  try {
    await client
      .api('/deviceManagement/importedWindowsAutopilotDeviceIdentities')
      .post({ serialNumber: 'X1', hardwareIdentifier: 'not base64!!' });
    observed.badHash = 'accepted';
  } catch (error) {
    observed.badHash = { statusCode: error.statusCode, code: error.code, message: error.message };
  }
  process.stdout.write(JSON.stringify(observed));
} catch (error) {
  process.stdout.write(
    JSON.stringify({
      observed,
      failed: { message: error.message, statusCode: error.statusCode, code: error.code, body: error.body },
    }),
  );
  process.exit(1);
}
