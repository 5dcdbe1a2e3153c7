import { createAriHarness } from './ari-harness.ts';
import { runTelephonyContract } from './telephony.contract.ts';

runTelephonyContract('ari driver on the fake ARI server', () => createAriHarness());
