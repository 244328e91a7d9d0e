import { describe, expect, it } from 'vitest';
import { parseExportEvent } from './api';
import { DEFAULT_LAYOUT, formToLayout, layoutToForm, slugify } from './layout-form';
import { cleanTitle, validateExportsSearch, validateNewExportSearch } from './search';

describe('the layout form', () => {
  it('fills the fields a stored layout leaves out with the API defaults, and round-trips', () => {
    const form = layoutToForm({ page_size: 'a5', margins: { top: 30 } });
    expect(form.page_size).toBe('a5');
    expect(form.margins).toEqual({ top: '30', right: '20', bottom: '20', left: '20' });
    expect(form.font_size).toBe('11');
    const { layout, errors } = formToLayout(form);
    expect(errors).toEqual({});
    expect(layout).toMatchObject({ page_size: 'a5', margins: { top: 30, right: 20, bottom: 20, left: 20 }, font_size: 11, toc_depth: 2, accent_color: DEFAULT_LAYOUT.accent_color });
  });

  it('reads numbers typed with a decimal comma and checks the API bounds', () => {
    const form = { ...layoutToForm({}), font_size: '10,5', line_height: '3', toc_depth: '2.5', accent_color: '#12345', header_text: 'a\nb' };
    form.margins = { ...form.margins, left: 'wide', right: '4' };
    const { layout, errors } = formToLayout(form);
    expect(layout.font_size).toBe(10.5);
    expect(errors).toEqual({ line_height: 'range', toc_depth: 'integer', accent_color: 'color', header_text: 'control', 'margins.left': 'number', 'margins.right': 'range' });
  });

  it('makes a slug from a name', () => {
    expect(slugify('Board report 2026')).toBe('board-report-2026');
    expect(slugify('  Résumé — Été!  ')).toBe('resume-ete');
    expect(slugify('x'.repeat(80))).toHaveLength(64);
  });
});

describe('the export pages\' addresses and events', () => {
  it('keeps ids that are UUIDs and statuses that exist', () => {
    const id = '0b7e6b9c-3f0a-4a59-9a53-6f0f2f8c1e11';
    expect(validateNewExportSearch({ file: id, run: 'nope' })).toEqual({ file: id });
    expect(validateExportsSearch({ status: 'failed' })).toEqual({ status: 'failed' });
    expect(validateExportsSearch({ status: 'lost' })).toEqual({});
  });

  it('cleans a title: no control characters, null when empty', () => {
    expect(cleanTitle('  The\thandbook ')).toBe('The handbook');
    expect(cleanTitle('   ')).toBeNull();
    expect(cleanTitle('x'.repeat(400))).toHaveLength(300);
  });

  it('takes only events that are exports', () => {
    expect(parseExportEvent({ id: 'e1', status: 'running', progress: 0.4 })).toMatchObject({ id: 'e1' });
    expect(parseExportEvent({ id: 'e1', status: 'running' })).toBeUndefined();
    expect(parseExportEvent('ping')).toBeUndefined();
  });
});
