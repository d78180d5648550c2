/* Shared by the helper test programs: per-run result slots in .bss, compared with the kernel's. */
#ifndef HELPERS_COMMON_H
#define HELPERS_COMMON_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define RUNS 8
#define SLOTS 24

/* res[run][slot]: helper return values and computed values, one row per run (mod RUNS). */
__s64 res[RUNS][SLOTS];
__u32 runs;

static __always_inline __s64 *next_run(void)
{
	return res[runs++ & (RUNS - 1)];
}

#endif
