import { randomBytes } from 'node:crypto';
import { AwsServiceError } from '../aws-errors.ts';

/** One API mapping: a custom domain (path key) → API stage. */
export interface ApiMapping {
  readonly apiMappingId: string;
  readonly apiId: string;
  /** '' maps the whole domain. */
  readonly apiMappingKey: string;
  readonly stage: string;
}

/** One API Gateway (v2) custom domain name in one region. */
export interface DomainName {
  readonly region: string;
  readonly domainName: string;
  readonly regionalDomainName: string;
  readonly regionalHostedZoneId: string;
  readonly mappings: Map<string, ApiMapping>;
}

/** How an HTTP API reaches its backend: a Lambda proxy, or an HTTP proxy through a VPC link. */
export interface ApiIntegration {
  readonly integrationId: string;
  readonly integrationType: 'AWS_PROXY' | 'HTTP_PROXY';
  /** The function ARN (AWS_PROXY) or the load balancer listener ARN (HTTP_PROXY over VPC_LINK). */
  readonly integrationUri: string;
  readonly connectionType: 'INTERNET' | 'VPC_LINK';
}

/** One HTTP API in one region. */
export interface HttpApi {
  readonly region: string;
  readonly apiId: string;
  readonly name: string;
  readonly stages: readonly string[];
  readonly integrations: readonly ApiIntegration[];
}

/** API Gateway v2 custom domains and their API mappings, per region. */
export class ApiGatewayStore {
  readonly #domains = new Map<string, DomainName>();
  readonly #apis = new Map<string, HttpApi>();

  addApi(api: HttpApi): void {
    this.#apis.set(key(api.region, api.apiId), api);
  }

  api(region: string, apiId: string): HttpApi | undefined {
    return this.#apis.get(key(region, apiId));
  }

  /** @throws AwsServiceError NotFoundException (404) */
  requireApi(region: string, apiId: string): HttpApi {
    const found = this.api(region, apiId);
    if (found === undefined) throw notFound('Api', 'Invalid API identifier specified');
    return found;
  }

  addDomain(domain: DomainName): void {
    this.#domains.set(key(domain.region, domain.domainName.toLowerCase()), domain);
  }

  /** The domain, or undefined. Names compare case-insensitively, as DNS names do. */
  findDomain(region: string, domainName: string): DomainName | undefined {
    return this.#domains.get(key(region, domainName.toLowerCase()));
  }

  /** @throws AwsServiceError NotFoundException (404) */
  domain(region: string, domainName: string): DomainName {
    const found = this.findDomain(region, domainName);
    if (found === undefined) throw notFound('DomainName', 'Invalid domain name identifier specified');
    return found;
  }

  /** Every domain in every region (for the data plane's Host lookup). */
  domains(): readonly DomainName[] {
    return [...this.#domains.values()];
  }

  /**
   * Maps an API stage to a domain path key.
   *
   * @throws AwsServiceError NotFoundException for an unknown domain, API or stage; ConflictException
   *   when the key is already mapped; BadRequestException for a malformed key.
   */
  createMapping(region: string, domainName: string, input: Omit<ApiMapping, 'apiMappingId'>, id?: string): ApiMapping {
    const domain = this.domain(region, domainName);
    const api = this.api(region, input.apiId);
    if (api === undefined) throw notFound('Api', 'Invalid API identifier specified');
    if (!api.stages.includes(input.stage)) throw notFound('Stage', `Invalid stage identifier specified: ${input.stage}`);
    if (input.apiMappingKey.startsWith('/') || input.apiMappingKey.includes('//')) {
      throw new AwsServiceError('BadRequestException', 400, `apiMappingKey: "${input.apiMappingKey}" must not start with / or contain //`);
    }
    if ([...domain.mappings.values()].some((m) => m.apiMappingKey === input.apiMappingKey)) {
      throw new AwsServiceError('ConflictException', 409, `ApiMapping key ${input.apiMappingKey === '' ? '(none)' : input.apiMappingKey} already exists for this domain name`);
    }
    const mapping: ApiMapping = { ...input, apiMappingId: id ?? randomBytes(3).toString('hex') };
    domain.mappings.set(mapping.apiMappingId, mapping);
    return mapping;
  }

  /** @throws AwsServiceError NotFoundException for an unknown domain or mapping */
  deleteMapping(region: string, domainName: string, apiMappingId: string): ApiMapping {
    const domain = this.domain(region, domainName);
    const mapping = domain.mappings.get(apiMappingId);
    if (mapping === undefined) throw notFound('ApiMapping', 'Invalid mapping identifier specified');
    domain.mappings.delete(apiMappingId);
    return mapping;
  }

  /** The mapping that serves `path` on a domain: the longest key that prefixes the path. */
  mappingFor(domain: DomainName, path: string): ApiMapping | undefined {
    const segments = path.split('?')[0] ?? '/';
    let best: ApiMapping | undefined;
    for (const mapping of domain.mappings.values()) {
      const key = mapping.apiMappingKey;
      const matches = key === '' || segments === `/${key}` || segments.startsWith(`/${key}/`);
      if (matches && (best === undefined || key.length > best.apiMappingKey.length)) best = mapping;
    }
    return best;
  }
}

function notFound(resourceType: string, message: string): AwsServiceError {
  return new AwsServiceError('NotFoundException', 404, message, 'Sender', { resourceType });
}

function key(region: string, name: string): string {
  return `${region}\u0000${name}`;
}
