import { runTelephonyContract } from './telephony.contract.ts';
import { createEslHarness } from './esl-harness.ts';

runTelephonyContract('esl', createEslHarness);
