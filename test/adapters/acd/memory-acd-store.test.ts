import { MemoryAcdStore } from '../../../src/adapters/memory/memory-acd-store.ts';
import { runAcdStoreContract } from './acd-store.contract.ts';

runAcdStoreContract('memory', async () => {
  const store = new MemoryAcdStore();
  return { store, close: () => store.close() };
});
