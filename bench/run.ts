/** Runs every benchmark in this folder and prints their figures. */
await import('./sim-calls.ts');
