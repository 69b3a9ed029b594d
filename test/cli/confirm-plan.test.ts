import { expect } from 'chai';
import { confirmPlan } from '../../src/cli/confirm-plan.ts';
import type { Environment } from '../../src/drill/environment.ts';
import { InvalidInputError } from '../../src/drill/invalid-input-error.ts';
import { captureIo } from '../e2e/e2e-kit.ts';

const environment = { name: 'staging', accountId: '123456789012' } as Environment;
const changes = [{ target: 'lambda us-east-1 api-handler', field: 'ReservedConcurrentExecutions', from: 'unreserved', to: '0' }];

describe('confirmPlan', () => {
  it('prints the plan and proceeds with --yes', async () => {
    const io = captureIo();
    expect(await confirmPlan(true, io)(changes, environment)).to.equal(true);
    expect(io.text()).to.include('This drill will change AWS account 123456789012 (environment "staging")');
    expect(io.text()).to.include('lambda us-east-1 api-handler: ReservedConcurrentExecutions unreserved → 0');
  });

  it('refuses without --yes when there is no terminal to ask', async () => {
    expect(process.stdin.isTTY, 'tests run without a terminal').to.not.equal(true);
    try {
      await confirmPlan(false, captureIo())(changes, environment);
      expect.fail('expected a refusal');
    } catch (error) {
      expect(error).to.be.instanceOf(InvalidInputError);
      expect((error as InvalidInputError).problems[0]).to.match(/^--yes: required to change account 123456789012/);
    }
  });
});
