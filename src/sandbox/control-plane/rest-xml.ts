import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { AwsServiceError, MalformedRequestError } from './aws-errors.ts';

/** Route 53's XML namespace. */
export const ROUTE53_NAMESPACE = 'https://route53.amazonaws.com/doc/2013-04-01/';

/** An XML element tree as fast-xml-parser builds it. */
export type XmlValue = string | number | boolean | XmlObject | readonly XmlValue[];
export interface XmlObject {
  readonly [name: string]: XmlValue | undefined;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false });

// Elements that are lists in the Route 53 model, so one child still parses as an array.
const LIST_ELEMENTS = new Set(['Region', 'ResettableElementName', 'ChildHealthCheck', 'Change', 'ResourceRecord']);
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  removeNSPrefix: true,
  isArray: (name) => LIST_ELEMENTS.has(name),
});

/** Renders `<root xmlns=…>…</root>` with an XML declaration. */
export function buildXmlDocument(root: string, content: XmlObject, namespace: string = ROUTE53_NAMESPACE): string {
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    [root]: { ...(namespace === '' ? {} : { '@_xmlns': namespace }), ...content },
  }) as string;
}

/**
 * Parses a request body and returns the children of its root element.
 *
 * @throws MalformedRequestError when the body is not XML with a `expectedRoot` root.
 */
export function parseXmlRequest(body: string, expectedRoot: string): Readonly<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = parser.parse(body, true);
  } catch (error) {
    throw new MalformedRequestError(`request body is not well-formed XML: ${(error as Error).message}`);
  }
  const root = isRecord(parsed) ? parsed[expectedRoot] : undefined;
  if (root === '') return {};
  if (!isRecord(root)) {
    throw new MalformedRequestError(`request body: expected a <${expectedRoot}> root element`);
  }
  return root;
}

/** Renders an AWS REST-XML error document. */
export function renderXmlError(error: AwsServiceError, requestId: string): string {
  return buildXmlDocument('ErrorResponse', {
    Error: { Type: error.fault, Code: error.code, Message: error.message },
    RequestId: requestId,
  });
}

/** True for a plain parsed object (not an array or text). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Raises the InvalidInput Route 53 answers for a bad field. */
export function invalidInput(message: string): AwsServiceError {
  return new AwsServiceError('InvalidInput', 400, message);
}
