import { ApiGatewayV2Client, CreateApiMappingCommand, DeleteApiMappingCommand, GetApiMappingsCommand } from '@aws-sdk/client-apigatewayv2';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { apiMappingDetach, type ApiMappingDetachHandle } from '../../src/injectors/api-mapping-detach.ts';
import { TargetNotFoundError, TargetRefusedError } from '../../src/injectors/injector.ts';
import { awsError, mockDeps, recordingJournal } from './injector-kit.ts';

describe('the api-mapping-detach injector', () => {
  let apigw: AwsClientStub<ApiGatewayV2Client>;
  before(() => {
    apigw = mockClient(ApiGatewayV2Client);
  });
  after(() => {
    apigw.restore();
  });
  afterEach(() => apigw.reset());
  const spec = { injector: 'api-mapping-detach', target: { region: 'primary' } } as const;

  it('journals every mapping of the custom domain, then deletes them', async () => {
    apigw.on(GetApiMappingsCommand).resolves({
      Items: [
        { ApiId: 'a1', ApiMappingId: 'm1', ApiMappingKey: '', Stage: '$default' },
        { ApiId: 'a2', ApiMappingId: 'm2', ApiMappingKey: 'v2', Stage: 'prod' },
      ],
    });
    apigw.on(DeleteApiMappingCommand).resolves({});
    const journal = recordingJournal<ApiMappingDetachHandle>();
    await apiMappingDetach.inject(spec, mockDeps(), journal.write);
    expect(journal.entries[0]?.mappings.map((m) => `${m.domainName} ${m.apiMappingId} ${m.apiId} ${m.stage} "${m.apiMappingKey}"`)).to.deep.equal([
      'api.east.example.com m1 a1 $default ""',
      'api.east.example.com m2 a2 prod "v2"',
    ]);
    expect(apigw.commandCalls(DeleteApiMappingCommand).map((c) => c.args[0].input.ApiMappingId)).to.deep.equal(['m1', 'm2']);
  });

  it('re-creates each mapping with the same API, stage and key, newest first, and reports the new ids', async () => {
    apigw.on(GetApiMappingsCommand).resolves({ Items: [] });
    apigw.on(CreateApiMappingCommand, { ApiId: 'a1' }).resolves({ ApiMappingId: 'new1' });
    apigw.on(CreateApiMappingCommand, { ApiId: 'a2' }).resolves({ ApiMappingId: 'new2' });
    const handle: ApiMappingDetachHandle = {
      mappings: [
        { region: 'us-east-1', domainName: 'api.east.example.com', apiMappingId: 'm1', apiId: 'a1', stage: '$default', apiMappingKey: '' },
        { region: 'us-east-1', domainName: 'api.east.example.com', apiMappingId: 'm2', apiId: 'a2', stage: 'prod', apiMappingKey: 'v2' },
      ],
    };
    const result = await apiMappingDetach.rollback(handle, mockDeps());
    expect(apigw.commandCalls(CreateApiMappingCommand).map((c) => c.args[0].input)).to.deep.equal([
      { DomainName: 'api.east.example.com', ApiId: 'a2', Stage: 'prod', ApiMappingKey: 'v2' },
      { DomainName: 'api.east.example.com', ApiId: 'a1', Stage: '$default' },
    ]);
    expect(result.detail).to.equal('api mapping m2 re-created as new2; api mapping m1 re-created as new1');
  });

  it('skips a mapping that is already back (rollback is idempotent)', async () => {
    apigw.on(GetApiMappingsCommand).resolves({ Items: [{ ApiId: 'a1', ApiMappingId: 'm9', Stage: '$default' }] });
    await apiMappingDetach.rollback(
      { mappings: [{ region: 'us-east-1', domainName: 'api.east.example.com', apiMappingId: 'm1', apiId: 'a1', stage: '$default', apiMappingKey: '' }] },
      mockDeps(),
    );
    expect(apigw.commandCalls(CreateApiMappingCommand)).to.have.length(0);
  });

  it('refuses a domain with no mapping left, and names a missing domain with its environment', async () => {
    apigw.on(GetApiMappingsCommand).resolvesOnce({ Items: [] }).rejects(awsError('NotFoundException', 'Invalid domain name identifier specified', 404));
    const refused = await apiMappingDetach.inject(spec, mockDeps(), async () => {}).catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(TargetRefusedError);
    expect((refused as Error).message).to.include('api.east.example.com in us-east-1 has no API mapping');
    const missing = await apiMappingDetach.plan(spec, mockDeps()).catch((e: unknown) => e);
    expect(missing).to.be.instanceOf(TargetNotFoundError);
    expect((missing as Error).message).to.equal('API Gateway custom domain "api.east.example.com" not found in us-east-1 (environment "mocked")');
  });
});
