import { runCli } from './cli.ts';
import { processIo } from './cli-io.ts';

// The process boundary: everything else is a function that returns an exit code.
process.exitCode = await runCli(process.argv.slice(2), processIo());
