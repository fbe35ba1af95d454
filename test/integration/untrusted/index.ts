// Entry point for the host run with workspace trust on and an untrusted workspace.
import * as path from 'node:path';
import { findTests, runSuites } from '../index';

export async function run(): Promise<void> {
  await runSuites(findTests(path.join(__dirname), []));
}
