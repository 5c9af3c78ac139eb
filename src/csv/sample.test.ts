import { describe, expect, it } from 'vitest';
import { checkCsv } from './check.js';
import { layouts } from './layouts.js';
import { sampleCsv } from './sample.js';

describe(sampleCsv.name, () => {
  it.each(layouts.map((layout) => layout.id))(
    'prints a %s sample that checks clean',
    async (id) => {
      const text = sampleCsv(id);
      const report = await checkCsv(Buffer.from(text));
      expect(report).toMatchObject({ ok: true, layout: id, issues: [], lineEnding: 'crlf' });
      expect(report.devices).toBeGreaterThanOrEqual(2);
      expect(text.split('\r\n')[0]).toBe(
        layouts
          .find((l) => l.id === id)
          ?.columns.map((c) => c.name)
          .join(','),
      );
    },
  );

  it('shows every identifier combination in the Partner Center sample', async () => {
    const report = await checkCsv(Buffer.from(sampleCsv('partner-center')), { records: true });
    const shapes = report.records?.map((r) =>
      (['hardwareHash', 'productKeyId', 'manufacturer'] as const)
        .filter((f) => r.device[f] !== '')
        .join('+'),
    );
    expect(shapes).toEqual(['hardwareHash', 'manufacturer', 'productKeyId']);
  });
});
