/** An XML element as plain data: reporters build a tree, then `serializeXml` escapes it in one place. */
export interface XmlElement {
  readonly name: string;
  /** Attributes in output order; `undefined` values are left out. */
  readonly attributes?: Readonly<Record<string, string | number | undefined>>;
  readonly children?: readonly XmlNode[];
}

/** A child is an element or a run of text. */
export type XmlNode = XmlElement | string;

/**
 * Everything XML 1.0 forbids (C0 controls other than tab/LF/CR, lone surrogates, U+FFFE,
 * U+FFFF). Such characters make the whole document unparseable, and they do turn up in error
 * messages and response bodies, so they are dropped rather than escaped (XML 1.0 has no escape
 * for them either: `&#1;` is just as illegal).
 */
const ILLEGAL_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Removes characters that may not appear in an XML 1.0 document. */
export function stripIllegalXmlChars(text: string): string {
  return text.replace(ILLEGAL_XML_CHARS, '');
}

/**
 * Escapes text content. `>` is escaped too so that `]]>` can never appear; CR becomes `&#13;`
 * because parsers would otherwise fold it into LF.
 */
export function escapeXmlText(text: string): string {
  return stripIllegalXmlChars(text).replace(/[&<>\r]/g, (char) => TEXT_ESCAPES[char] ?? char);
}

/**
 * Escapes an attribute value for double quotes. Tab, LF and CR become character references
 * because attribute-value normalisation would turn the literal characters into spaces.
 */
export function escapeXmlAttribute(value: string): string {
  return stripIllegalXmlChars(value).replace(/[&<>"\t\n\r]/g, (char) => ATTRIBUTE_ESCAPES[char] ?? char);
}

const TEXT_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };
const ATTRIBUTE_ESCAPES: Readonly<Record<string, string>> = {
  ...TEXT_ESCAPES,
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
};

const XML_NAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;

/** Thrown when a tree holds an element or attribute name that is not a plain XML name. */
export class XmlNameError extends Error {
  override readonly name = 'XmlNameError';
  constructor(readonly xmlName: string) {
    super(`invalid XML name ${JSON.stringify(xmlName)}: expected a letter or _ followed by letters, digits, ., _ or -`);
  }
}

/**
 * Serialises a tree as an XML 1.0 document (UTF-8 declaration, two-space indentation).
 * Elements that contain text are written on one line, because indenting mixed content would
 * change the text a consumer reads.
 *
 * @example serializeXml({ name: 'a', attributes: { x: '1 < 2' }, children: ['&'] })
 * // '<?xml version="1.0" encoding="UTF-8"?>\n<a x="1 &lt; 2">&amp;</a>\n'
 */
export function serializeXml(root: XmlElement): string {
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  writeElement(root, 0, lines);
  return `${lines.join('\n')}\n`;
}

function writeElement(element: XmlElement, depth: number, lines: string[]): void {
  const indent = '  '.repeat(depth);
  const children = element.children ?? [];
  const open = `${indent}<${element.name}${attributesOf(element)}`;
  if (children.length === 0) {
    lines.push(`${open}/>`);
  } else if (children.some((child) => typeof child === 'string')) {
    lines.push(`${open}>${children.map(inline).join('')}</${element.name}>`);
  } else {
    lines.push(`${open}>`);
    for (const child of children) writeElement(child as XmlElement, depth + 1, lines);
    lines.push(`${indent}</${element.name}>`);
  }
}

function inline(node: XmlNode): string {
  if (typeof node === 'string') return escapeXmlText(node);
  const children = node.children ?? [];
  const open = `<${node.name}${attributesOf(node)}`;
  return children.length === 0 ? `${open}/>` : `${open}>${children.map(inline).join('')}</${node.name}>`;
}

function attributesOf(element: XmlElement): string {
  if (!XML_NAME.test(element.name)) throw new XmlNameError(element.name);
  let out = '';
  for (const [name, value] of Object.entries(element.attributes ?? {})) {
    if (value === undefined) continue;
    if (!XML_NAME.test(name)) throw new XmlNameError(name);
    out += ` ${name}="${escapeXmlAttribute(String(value))}"`;
  }
  return out;
}
