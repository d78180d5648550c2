// Adversarial programs for the bundled verifier: the subtle corners a mutation corpus rarely
// reaches (partial overwrites of spilled pointers, narrow spills and fills, variable-offset
// stack access over spills, packet ranges of variable-offset pointers, null checks through
// copies, linked scalars, 32-bit bounds used for 64-bit offsets, calls and callbacks, loops).
// Each program is verified by us and loaded in the running kernel during the test; the
// kernel's verdict is the expectation (kernel-compare.ts). A branch to `bad:` reads the
// uninitialised r7, so it probes whether a path is live: the kernel's verdict then says whether
// our bounds prove what its bounds prove.
import { kernelAgreementSuite } from "./kernel-compare.js";
import { flowCases } from "./adversarial-flow.js";
import { helperCases } from "./adversarial-helpers.js";
import { memoryCases } from "./adversarial-memory.js";

kernelAgreementSuite("verifier adversarial programs: our verdict = the kernel's", { ...memoryCases, ...flowCases, ...helperCases }, "verifier-adversarial", "test/verifier/adversarial.test.ts");
