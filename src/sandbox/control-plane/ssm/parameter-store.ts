import { AwsServiceError } from '../aws-errors.ts';

/** One SSM parameter (the sandbox keeps String, StringList and SecureString alike, in clear). */
export interface Parameter {
  readonly region: string;
  readonly name: string;
  readonly type: 'String' | 'StringList' | 'SecureString';
  readonly value: string;
  readonly version: number;
  readonly lastModified: number;
  readonly description?: string;
  readonly dataType: string;
}

/** What PutParameter asks for. */
export interface PutParameterInput {
  readonly name: string;
  readonly value: string;
  readonly type?: Parameter['type'];
  readonly overwrite: boolean;
  readonly description?: string;
  readonly dataType?: string;
}

// SSM's limits for standard parameters.
const MAX_VALUE_BYTES = 4096;
const NAME = /^\/?[a-zA-Z0-9_.\-/]{1,2048}$/;

/** SSM Parameter Store, per region, with Overwrite and version semantics. */
export class ParameterStore {
  readonly #parameters = new Map<string, Parameter>();

  get(region: string, name: string): Parameter | undefined {
    return this.#parameters.get(key(region, name));
  }

  /**
   * Creates or (with Overwrite) replaces a parameter; every put bumps the version.
   *
   * @throws AwsServiceError ParameterAlreadyExists, ValidationException, HierarchyTypeMismatchException
   */
  put(region: string, input: PutParameterInput): Parameter {
    if (!NAME.test(input.name) || input.name.toLowerCase().startsWith('/aws') || input.name.toLowerCase().startsWith('aws')) {
      throw new AwsServiceError('ValidationException', 400, `Parameter name: "${input.name}" must be a fully qualified name of letters, digits and _.-/, not starting with aws or ssm.`);
    }
    if (Buffer.byteLength(input.value) > MAX_VALUE_BYTES) {
      throw new AwsServiceError('ParameterMaxVersionLimitExceeded', 400, `Parameter value: longer than ${MAX_VALUE_BYTES} bytes (standard tier)`);
    }
    const existing = this.get(region, input.name);
    if (existing !== undefined && !input.overwrite) {
      throw new AwsServiceError('ParameterAlreadyExists', 400, 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
    }
    if (existing === undefined && input.type === undefined) {
      throw new AwsServiceError('ValidationException', 400, 'Type: required when creating a parameter (String, StringList or SecureString)');
    }
    if (existing !== undefined && input.type !== undefined && input.type !== existing.type) {
      throw new AwsServiceError('HierarchyTypeMismatchException', 400, `Type: the parameter is a ${existing.type}; it cannot be changed to ${input.type}`);
    }
    const description = input.description ?? existing?.description;
    const parameter: Parameter = {
      region,
      name: input.name,
      type: input.type ?? existing?.type ?? 'String',
      value: input.value,
      version: (existing?.version ?? 0) + 1,
      lastModified: Date.now(),
      dataType: input.dataType ?? existing?.dataType ?? 'text',
      ...(description === undefined ? {} : { description }),
    };
    this.#parameters.set(key(region, input.name), parameter);
    return parameter;
  }

  /** @throws AwsServiceError ParameterNotFound */
  delete(region: string, name: string): Parameter {
    const existing = this.get(region, name);
    if (existing === undefined) throw parameterNotFound(name);
    this.#parameters.delete(key(region, name));
    return existing;
  }
}

/** The error GetParameter and DeleteParameter raise for a missing name. */
export function parameterNotFound(name: string): AwsServiceError {
  return new AwsServiceError('ParameterNotFound', 400, `Parameter ${name} not found.`);
}

function key(region: string, name: string): string {
  return `${region}\u0000${name}`;
}
