import { stripIllegalXmlChars } from './xml-tree.ts';

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML element content and quoted attribute values alike (inline SVG
 * included). Control characters are dropped: they are parse errors in HTML and can only come
 * from captured bytes, never from something a reader needs to see.
 */
export function escapeHtml(value: string | number): string {
  return stripIllegalXmlChars(String(value)).replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}
