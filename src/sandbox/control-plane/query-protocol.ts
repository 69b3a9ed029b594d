import { AwsServiceError } from './aws-errors.ts';

/**
 * Reads an AWS query-protocol form body (EC2, STS): flat `Name.1.Member=value` pairs, lists
 * 1-based. Missing required values raise the EC2-style MissingParameter.
 */
export class QueryParams {
  readonly #params: URLSearchParams;

  constructor(body: string, query: URLSearchParams) {
    this.#params = new URLSearchParams(body);
    // Some tools send the action in the URL; the body wins when both are present.
    for (const [key, value] of query) if (!this.#params.has(key)) this.#params.set(key, value);
  }

  get(name: string): string | undefined {
    return this.#params.get(name) ?? undefined;
  }

  required(name: string): string {
    const value = this.get(name);
    if (value === undefined || value === '') throw new AwsServiceError('MissingParameter', 400, `The request must contain the parameter ${name}`);
    return value;
  }

  /** `Prefix.1`, `Prefix.2`, … as strings. */
  list(prefix: string): string[] {
    const out: string[] = [];
    for (let i = 1; ; i += 1) {
      const value = this.get(`${prefix}.${i}`);
      if (value === undefined) return out;
      out.push(value);
    }
  }

  /** Indexes 1..n for which some `Prefix.i.*` key exists. */
  indexes(prefix: string): number[] {
    const out: number[] = [];
    for (let i = 1; ; i += 1) {
      const head = `${prefix}.${i}.`;
      const found = [...this.#params.keys()].some((k) => k.startsWith(head) || k === `${prefix}.${i}`);
      if (!found) return out;
      out.push(i);
    }
  }

  /** An integer parameter; undefined when absent. */
  integer(name: string): number | undefined {
    const text = this.get(name);
    if (text === undefined) return undefined;
    if (!/^-?\d+$/.test(text)) throw new AwsServiceError('InvalidParameterValue', 400, `Value (${text}) for parameter ${name} is invalid. Expected an integer.`);
    return Number(text);
  }
}
