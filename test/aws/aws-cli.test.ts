import { expect } from 'chai';
import { awsCliFor, shellWord } from '../../src/aws/aws-cli.ts';

describe('AWS CLI lines aimed where a drill acted', () => {
  it('carry the environment’s profile and endpoint override against AWS', () => {
    expect(awsCliFor({ kind: 'aws' })()).to.equal('aws');
    expect(awsCliFor({ kind: 'aws', profile: 'game-day' })()).to.equal('aws --profile game-day');
    expect(awsCliFor({ kind: 'aws', profile: 'game day', endpoint: 'https://vpce.example' })()).to.equal("aws --profile 'game day' --endpoint-url https://vpce.example");
  });

  it('reach only the sandbox: its endpoint, its dummy credentials, the shell’s profile and session token unset', () => {
    const aws = awsCliFor({ kind: 'sandbox', endpoint: 'http://127.0.0.1:4566' });
    expect(aws()).to.equal('env -u AWS_PROFILE -u AWS_SESSION_TOKEN AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox aws --endpoint-url http://127.0.0.1:4566');
    // A data plane with endpoints of its own (an ARC cluster's) is called there instead.
    expect(aws('http://127.0.0.1:9999')).to.match(/ aws --endpoint-url http:\/\/127\.0\.0\.1:9999$/);
  });

  it('quotes a value only when the shell would split or expand it', () => {
    expect(shellWord('us-east-1')).to.equal('us-east-1');
    expect(shellWord("it's $HOME")).to.equal(`'it'\\''s $HOME'`);
  });
});
