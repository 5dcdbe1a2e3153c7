import { MemoryAuditLog } from '../../../src/adapters/memory/memory-audit-log.ts';
import { runAuditLogContract } from './audit-log.contract.ts';

runAuditLogContract('memory', async () => {
  const log = new MemoryAuditLog();
  return { log, close: () => log.close() };
});
