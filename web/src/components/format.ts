const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** An ISO timestamp as the user's locale writes it; an em dash for none. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) {
    return '—';
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

export function formatCount(count: number, singular: string, plural = `${singular}s`): string {
  return `${count.toLocaleString()} ${count === 1 ? singular : plural}`;
}

/** Who did something, as the server records it (`user:<e-mail>`, `client:<name>`, `operator`). */
export function formatActor(actor: string): string {
  const [kind, ...rest] = actor.split(':');
  const name = rest.join(':');
  if (!name) {
    return actor;
  }
  return kind === 'user' ? name : kind === 'client' ? `API client ${name}` : actor;
}
