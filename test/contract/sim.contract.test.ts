import { runTelephonyContract } from './telephony.contract.ts';
import { createSimHarness } from './sim-harness.ts';

runTelephonyContract('sim driver', createSimHarness);
