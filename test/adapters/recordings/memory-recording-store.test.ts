import { MemoryRecordingStore } from '../../../src/adapters/memory/memory-recording-store.ts';
import { runRecordingStoreContract } from './recording-store.contract.ts';

runRecordingStoreContract('memory', async () => {
  const store = new MemoryRecordingStore();
  return { store, close: () => store.close() };
});
