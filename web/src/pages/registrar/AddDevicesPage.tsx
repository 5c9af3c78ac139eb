export function AddDevicesPage() {
  return null;
}
