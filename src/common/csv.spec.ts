import { describe, expect, it } from '@jest/globals';
import { csvCell, csvLine } from './csv.js';

describe('csvCell', () => {
  it('writes plain text, numbers and nothing as they are', () => {
    expect(csvCell('Luna')).toBe('Luna');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('quotes a cell holding a comma, a quote or a line break', () => {
    expect(csvCell('O\'Brien, "Jr"')).toBe('"O\'Brien, ""Jr"""');
    expect(csvCell('first line\nsecond')).toBe('"first line\nsecond"');
    expect(csvCell('a\rb')).toBe('"a\rb"');
  });

  it('neutralises what a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell('+34 600 000 000')).toBe("'+34 600 000 000");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=cmd|" /C calc"!A0')).toBe('"\'\t=cmd|"" /C calc""!A0"');
    expect(csvCell('\r=1+1')).toBe('"\'\r=1+1"');
    expect(csvCell('\tplain')).toBe("'\tplain");
  });

  it('writes instants as ISO text and objects as JSON', () => {
    expect(csvCell(new Date('2025-03-30T01:30:00Z'))).toBe('2025-03-30T01:30:00.000Z');
    expect(csvCell({ weight: 4.2, unit: 'kg' })).toBe('"{""weight"":4.2,""unit"":""kg""}"');
  });
});

describe('csvLine', () => {
  it('joins cells with commas and ends with CRLF', () => {
    expect(csvLine(['slug', 'Vet, Groom', null, 3])).toBe('slug,"Vet, Groom",,3\r\n');
  });
});
