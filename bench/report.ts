import fs from 'node:fs';
import path from 'node:path';

/**
 * Replaces (or appends) one `## title` section of docs/benchmarks.md, keeping the others,
 * so each benchmark owns its section and reruns update it in place.
 */
export function writeSection(repoRoot: string, title: string, body: string): string {
  const file = path.join(repoRoot, 'docs', 'benchmarks.md');
  const existing = fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8')
    : "# Benchmarks\n\nFigures measured on this repository's machine by `npm run bench:*`. Every figure is a ratio against a floor measured in the same run.\n";
  const heading = `## ${title}`;
  const sections = existing.split(/^(?=## )/m);
  const next = `${heading}\n\n${body.trim()}\n\n`;
  const index = sections.findIndex((s) => s.startsWith(`${heading}\n`));
  if (index >= 0) {
    sections[index] = next;
  } else {
    sections.push(next);
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    `${sections
      .map((part) => `${part.trimEnd()}\n\n`)
      .join('')
      .trimEnd()}\n`,
  );
  return file;
}

/** Machine facts printed with every result, so figures are read in context. */
export function machine(): string {
  const os = process.platform;
  return `Node ${process.version} on ${os}, ${(globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? '?'} cores`;
}
