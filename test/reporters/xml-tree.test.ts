import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import { escapeXmlAttribute, escapeXmlText, serializeXml, stripIllegalXmlChars, XmlNameError } from '../../src/reporters/xml-tree.ts';
import { xmllintValidate } from './xmllint.ts';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  htmlEntities: true,
});

describe('serializeXml', () => {
  it('escapes markup characters in text and attributes', () => {
    expect(escapeXmlText('a < b && c > d ]]>')).to.equal('a &lt; b &amp;&amp; c &gt; d ]]&gt;');
    expect(escapeXmlAttribute(`say "hi" & 'bye' <now>`)).to.equal(`say &quot;hi&quot; &amp; 'bye' &lt;now&gt;`);
  });

  it('drops characters XML 1.0 forbids and keeps tab, newline, astral characters and the rest of unicode', () => {
    const input = `a\u0000b\u0001c\u0008d\u000be\u000cf\u001bg\uffffh\ud800i\tj\nk😀l≤m\u0085n`;
    expect(stripIllegalXmlChars(input)).to.equal('abcdefghi\tj\nk😀l≤m\u0085n');
  });

  it('writes tab, newline and CR in attributes as character references so they survive normalisation', () => {
    expect(escapeXmlAttribute('a\tb\nc\rd')).to.equal('a&#9;b&#10;c&#13;d');
  });

  it('round-trips hostile text and attributes through a parser', () => {
    const hostile = `<tag attr="x"> & 'single' "double" \u0007bell\u001b[31m Zürich 😀 ≤ 5 %\nline two\r\nthree\ttabbed`;
    const xml = serializeXml({ name: 'root', attributes: { value: hostile }, children: [{ name: 'text', children: [hostile] }] });
    const parsed = parser.parse(xml) as { root: { value: string; text: string } };
    const expected = hostile.replace('\u0007', '').replace('\u001b', '');
    expect(parsed.root.value).to.equal(expected);
    expect(parsed.root.text).to.equal(expected);
    expect(xmllintValidate(xml).valid, 'not well-formed').to.equal(true);
  });

  it('indents element-only content and keeps text content on one line', () => {
    const xml = serializeXml({
      name: 'a',
      children: [{ name: 'b', attributes: { n: 1, skip: undefined } }, { name: 'c', children: ['x ', { name: 'd', children: ['y'] }] }],
    });
    expect(xml).to.equal('<?xml version="1.0" encoding="UTF-8"?>\n<a>\n  <b n="1"/>\n  <c>x <d>y</d></c>\n</a>\n');
  });

  it('refuses element and attribute names that would break the document', () => {
    expect(() => serializeXml({ name: 'a b' })).to.throw(XmlNameError, /invalid XML name "a b"/);
    expect(() => serializeXml({ name: 'a', attributes: { 'x="1"': 'y' } })).to.throw(XmlNameError);
  });
});
