import { expect } from 'chai';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { loadDrill, loadEnvironment } from '../../src/drill/load-drill.ts';

async function filesIn(dir: string, suffix: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith(suffix)).map((name) => path.join(dir, name));
}

describe('shipped drills and environments', () => {
  it('every drill under drills/ validates', async () => {
    const files = [...(await filesIn('drills/sandbox', '.drill.ts')), ...(await filesIn('drills/aws', '.drill.ts'))];
    expect(files.length).to.be.greaterThan(1);
    for (const file of files) {
      const { drill } = await loadDrill(file);
      expect(drill.faults.length, file).to.be.greaterThan(0);
    }
  });

  it('the AWS environment template validates', async () => {
    const environment = await loadEnvironment('drills/environments/aws.example.ts');
    expect(environment.kind).to.equal('aws');
    expect(environment.regions).to.deep.equal(['us-east-1', 'us-west-2']);
    expect(environment.services['api']?.functions['us-east-1']).to.match(/^arn:aws:lambda:us-east-1:/);
  });
});
