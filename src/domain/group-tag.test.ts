import { describe, expect, it } from 'vitest';
import { checkGroupTag, GROUP_TAG_MAX_LENGTH } from './group-tag.js';

describe(checkGroupTag.name, () => {
  it('accepts real tags and the empty tag', () => {
    for (const tag of [
      'SP001_STD01',
      'KIOSK',
      'Microsoft365Managed_Autopilot',
      'Vertrieb Köln',
      '',
    ]) {
      expect(checkGroupTag(tag)).toEqual([]);
    }
  });

  it('refuses tags longer than the chosen limit', () => {
    expect(checkGroupTag('x'.repeat(GROUP_TAG_MAX_LENGTH))).toEqual([]);
    expect(checkGroupTag('x'.repeat(GROUP_TAG_MAX_LENGTH + 1))).toEqual(['too_long']);
  });

  it('refuses control characters and warns about surrounding spaces', () => {
    expect(checkGroupTag('Sales\tEU')).toEqual(['control_character']);
    expect(checkGroupTag('Sales ')).toEqual(['surrounding_whitespace']);
  });

  it('warns about characters that break dynamic-group rules or the unquoted CSV', () => {
    expect(checkGroupTag('a"b')).toEqual(['rule_character']);
    expect(checkGroupTag('a,b')).toEqual(['rule_character']);
  });
});
