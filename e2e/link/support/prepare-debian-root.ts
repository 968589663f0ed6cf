import { DebianRoot, PREPARED_ROOT } from "./debian-root.ts";

// `npm run debian-root -w @gantry/e2e`: the fresh-host test's Debian root, made ahead (turbo starts it
// with the rest of `npm test`, as it is minutes of mostly download and the test needs it only at the end)
const started = performance.now();
await DebianRoot.prepare();
process.stdout.write(
  `debian root prepared in ${((performance.now() - started) / 1000).toFixed(1)} s: ${PREPARED_ROOT}\n`,
);
