export function RelationshipsPage() {
  return null;
}
