import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refusal } from '../../../test/kit/refusal.js';
import {
  applySelect,
  contextUrl,
  decodeSkipToken,
  encodeSkipToken,
  linkBase,
  nextLink,
  readCount,
  readODataQuery,
  readSelect,
  readTop,
} from './odata.js';

describe(readODataQuery.name, () => {
  it('reads option names in any case, with or without $, and ignores other parameters', () => {
    expect(
      readODataQuery({ $TOP: '5', skipToken: 'k1.x', $filter: "a eq 'b'", mine: '1' }, [
        'top',
        'skiptoken',
        'filter',
      ]),
    ).toEqual({ top: '5', skiptoken: 'k1.x', filter: "a eq 'b'" });
  });

  it('refuses an option the resource does not support, naming it and what is', () => {
    const error = refusal(() => readODataQuery({ $orderby: 'id' }, ['top']));
    expect(error.message).toBe('The query option $orderby is not supported on this resource.');
    expect(error.remedy).toContain('$top');
  });

  it('refuses an option given twice', () => {
    expect(refusal(() => readODataQuery({ $top: ['1', '2'] }, ['top'])).details.field).toBe('$top');
    expect(refusal(() => readODataQuery({ $top: '1', top: '2' }, ['top'])).message).toContain(
      'more than once',
    );
  });
});

describe(readTop.name, () => {
  it('defaults to 100 and accepts 1 to 1000', () => {
    expect(readTop(undefined)).toBe(100);
    expect(readTop('1')).toBe(1);
    expect(readTop('1000')).toBe(1000);
  });

  it.each(['0', '1001', '-1', '2.5', 'ten', ''])('refuses %j', (text) => {
    expect(refusal(() => readTop(text)).details.field).toBe('$top');
  });
});

describe(readCount.name, () => {
  it('reads true and false in any case', () => {
    expect([readCount(undefined), readCount('TRUE'), readCount('false')]).toEqual([
      false,
      true,
      false,
    ]);
    expect(refusal(() => readCount('yes')).details.field).toBe('$count');
  });
});

describe('skip tokens', () => {
  it('round-trip any key', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), (key) => {
        expect(decodeSkipToken(encodeSkipToken(key))).toBe(key);
      }),
    );
  });

  it('refuse tokens this service did not issue', () => {
    for (const token of ['abc', 'k1.', 'k1.!!', 'k2.YWJj', `${encodeSkipToken('x')}=`]) {
      expect(refusal(() => decodeSkipToken(token)).details.field).toBe('$skiptoken');
    }
    expect(decodeSkipToken(undefined)).toBeUndefined();
  });
});

describe(readSelect.name, () => {
  it('checks each name against the type, in OData words', () => {
    expect(readSelect('id, serialNumber', ['id', 'serialNumber'], 't')).toEqual([
      'id',
      'serialNumber',
    ]);
    expect(readSelect('*', ['id'], 't')).toBeUndefined();
    expect(refusal(() => readSelect('colour', ['id'], 'microsoft.graph.x')).message).toBe(
      "Could not find a property named 'colour' on type 'microsoft.graph.x'.",
    );
  });

  it('keeps the selected properties and the @odata.type', () => {
    expect(applySelect({ '@odata.type': '#t', id: '1', a: 2, b: 3 }, ['a'])).toEqual({
      '@odata.type': '#t',
      a: 2,
    });
  });
});

describe('links', () => {
  it('writes @odata.context under the public URL', () => {
    expect(contextUrl('https://pf.example/', 'beta', 'deviceManagement/x')).toBe(
      'https://pf.example/beta/$metadata#deviceManagement/x',
    );
  });

  it('points next links at the host the client called, keeping scheme and path prefix', () => {
    expect(linkBase('https://pf.example', 'pf.example')).toBe('https://pf.example');
    expect(linkBase('https://pf.example/api/', '127.0.0.1:8443')).toBe(
      'https://127.0.0.1:8443/api',
    );
    expect(linkBase('https://pf.example', undefined)).toBe('https://pf.example');
    expect(linkBase('https://pf.example', 'evil.example/path')).toBe('https://pf.example');
  });

  it('carries the options, percent-encoded, and a fresh skip token', () => {
    const link = nextLink(
      'https://pf.example',
      'v1.0',
      'deviceManagement/x',
      { filter: "contains(serialNumber,'a&b')", top: '2', skiptoken: 'old' },
      'last-id',
    );
    const url = new URL(link);
    expect(url.pathname).toBe('/v1.0/deviceManagement/x');
    expect(url.searchParams.get('$filter')).toBe("contains(serialNumber,'a&b')");
    expect(url.searchParams.get('$top')).toBe('2');
    expect(decodeSkipToken(url.searchParams.get('$skiptoken')!)).toBe('last-id');
    expect(url.searchParams.getAll('$skiptoken')).toHaveLength(1);
  });
});
