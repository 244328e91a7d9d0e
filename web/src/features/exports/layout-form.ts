// A template's layout as a form holds it (text in inputs) and back, checked against the same
// bounds the API enforces so a mistake is shown by its field before anything is sent.
import type { FontFamily, Layout, PageNumberPosition, PageSize } from '@/client';

export const PAGE_SIZES: PageSize[] = ['a4', 'a5', 'letter', 'trade'];
export const FONTS: FontFamily[] = ['Libertinus Serif', 'New Computer Modern', 'DejaVu Sans Mono'];
export const NUMBER_POSITIONS: PageNumberPosition[] = ['footer-center', 'footer-right', 'header-right'];
export const SIDES = ['top', 'right', 'bottom', 'left'] as const;
export type Side = (typeof SIDES)[number];

export interface LayoutForm {
  description: string;
  page_size: PageSize;
  body_font: FontFamily;
  heading_font: FontFamily;
  mono_font: FontFamily;
  font_size: string;
  line_height: string;
  margins: Record<Side, string>;
  accent_color: string;
  cover: boolean;
  title_page: boolean;
  toc: boolean;
  toc_depth: string;
  page_numbers: boolean;
  page_number_position: PageNumberPosition;
  chapter_page_breaks: boolean;
  justify: boolean;
  header_text: string;
  footer_text: string;
}

/** The API's defaults, for fields a stored layout leaves out. */
export const DEFAULT_LAYOUT: Required<Omit<Layout, 'margins'>> & { margins: Record<Side, number> } = {
  accent_color: '#1f3a5f',
  body_font: 'Libertinus Serif',
  chapter_page_breaks: true,
  cover: true,
  description: '',
  font_size: 11,
  footer_text: '',
  header_text: '',
  heading_font: 'Libertinus Serif',
  justify: true,
  line_height: 1.4,
  margins: { top: 20, right: 20, bottom: 20, left: 20 },
  mono_font: 'DejaVu Sans Mono',
  page_number_position: 'footer-center',
  page_numbers: true,
  page_size: 'a4',
  title_page: true,
  toc: true,
  toc_depth: 2,
};

export function layoutToForm(layout: Layout): LayoutForm {
  const l = { ...DEFAULT_LAYOUT, ...layout, margins: { ...DEFAULT_LAYOUT.margins, ...(layout.margins ?? {}) } };
  return {
    description: l.description,
    page_size: l.page_size,
    body_font: l.body_font,
    heading_font: l.heading_font,
    mono_font: l.mono_font,
    font_size: String(l.font_size),
    line_height: String(l.line_height),
    margins: { top: String(l.margins.top), right: String(l.margins.right), bottom: String(l.margins.bottom), left: String(l.margins.left) },
    accent_color: l.accent_color,
    cover: l.cover,
    title_page: l.title_page,
    toc: l.toc,
    toc_depth: String(l.toc_depth),
    page_numbers: l.page_numbers,
    page_number_position: l.page_number_position,
    chapter_page_breaks: l.chapter_page_breaks,
    justify: l.justify,
    header_text: l.header_text,
    footer_text: l.footer_text,
  };
}

/** Message keys (under exports.layout.errors) by field: `font_size`, `margins.top`… */
export type LayoutErrors = Record<string, 'number' | 'range' | 'integer' | 'color' | 'control'>;

function number(text: string, min: number, max: number, key: string, errors: LayoutErrors, integer = false): number {
  const value = Number(text.trim().replace(',', '.'));
  if (!text.trim() || !Number.isFinite(value)) errors[key] = 'number';
  else if (integer && !Number.isInteger(value)) errors[key] = 'integer';
  else if (value < min || value > max) errors[key] = 'range';
  return value;
}

/** The layout the API takes, or the fields that are wrong. */
export function formToLayout(form: LayoutForm): { layout: Layout; errors: LayoutErrors } {
  const errors: LayoutErrors = {};
  const margins = Object.fromEntries(SIDES.map((side) => [side, number(form.margins[side], 5, 60, `margins.${side}`, errors)])) as Record<Side, number>;
  if (!/^#[0-9a-fA-F]{6}$/.test(form.accent_color)) errors.accent_color = 'color';
  for (const key of ['header_text', 'footer_text'] as const) {
    if (/[\u0000-\u001f\u007f]/.test(form[key])) errors[key] = 'control';
  }
  const layout: Layout = {
    description: form.description.trim(),
    page_size: form.page_size,
    body_font: form.body_font,
    heading_font: form.heading_font,
    mono_font: form.mono_font,
    font_size: number(form.font_size, 8, 16, 'font_size', errors),
    line_height: number(form.line_height, 1, 2.5, 'line_height', errors),
    margins,
    accent_color: form.accent_color.toLowerCase(),
    cover: form.cover,
    title_page: form.title_page,
    toc: form.toc,
    toc_depth: number(form.toc_depth, 1, 4, 'toc_depth', errors, true),
    page_numbers: form.page_numbers,
    page_number_position: form.page_number_position,
    chapter_page_breaks: form.chapter_page_breaks,
    justify: form.justify,
    header_text: form.header_text,
    footer_text: form.footer_text,
  };
  return { layout, errors };
}

/** A slug from a name: "Board report 2026" -> "board-report-2026". */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}
