import { MemoryCallbackStore } from '../../../src/adapters/memory/memory-callback-store.ts';
import { runCallbackStoreContract } from './callback-store.contract.ts';

runCallbackStoreContract('memory', async () => {
  const store = new MemoryCallbackStore();
  return { store, close: () => store.close() };
});
