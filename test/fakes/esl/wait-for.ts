/**
 * Waits for a condition that depends on socket traffic between the driver and the fake (real
 * loopback TCP, so a few event-loop turns). Not a timer test: it polls I/O, with a deadline so a
 * broken expectation fails instead of hanging.
 */
export async function waitFor<T>(check: () => T | undefined | false, what: string, timeoutMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
