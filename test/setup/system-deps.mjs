#!/usr/bin/env node
// npm's `pretest`: makes sure the Debian tools the suites compare against are present
// (clang-19, llvm-19, bpftool, libbpf headers, xdp-tools; ping, ip and nsenter for the XDP
// attach test; what the selftest corpus build needs) and bpffs is mounted, then builds the
// selftest corpus (scripts/selftests/build-corpus.sh, cached outside the work tree).
// As root it installs what is missing with apt-get; otherwise it says which suites will skip.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

const tools = [
  { bin: "/usr/bin/clang-19", pkg: "clang-19" },
  { bin: "/usr/bin/llvm-objdump-19", pkg: "llvm-19" },
  { bin: "/usr/bin/llvm-mc-19", pkg: "llvm-19" },
  { bin: "/usr/sbin/bpftool", pkg: "bpftool" },
  { bin: "/usr/include/bpf/bpf_helpers.h", pkg: "libbpf-dev" },
  { bin: "/usr/sbin/xdp-loader", pkg: "xdp-tools" },
  { bin: "/usr/bin/ping", pkg: "iputils-ping" },
  { bin: "/usr/sbin/ip", pkg: "iproute2" },
  { bin: "/usr/bin/nsenter", pkg: "util-linux" },
  // the selftest corpus (scripts/selftests/build-corpus.sh): libbpf and its labeller are built
  { bin: "/usr/include/libelf.h", pkg: "libelf-dev" },
  { bin: "/usr/include/zlib.h", pkg: "zlib1g-dev" },
  { bin: "/usr/bin/make", pkg: "make" },
  { bin: "/usr/bin/gcc", pkg: "gcc" },
  { bin: "/usr/bin/python3", pkg: "python3" },
  { bin: "/usr/bin/perl", pkg: "perl" },
];

const say = (msg) => console.log(`[tsbpf pretest] ${msg}`);
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const missing = [...new Set(tools.filter((t) => !existsSync(t.bin)).map((t) => t.pkg))];

if (missing.length > 0) {
  if (!isRoot || !existsSync("/usr/bin/apt-get")) {
    say(`missing ${missing.join(", ")}; not root or no apt-get, so the suites that compare against them will skip`);
  } else {
    say(`installing ${missing.join(", ")} with apt-get`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const update = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    const install = update.status === 0 ? spawnSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], { stdio: "inherit", env }) : update;
    if (install.status !== 0) say(`apt-get failed (status ${install.status}); suites that need ${missing.join(", ")} will skip or, under CI, fail`);
  }
}

// bpffs, for pinning in the kernel suites.
const mounts = existsSync("/proc/mounts") ? readFileSync("/proc/mounts", "utf8") : "";
if (!/ \/sys\/fs\/bpf bpf /.test(mounts)) {
  if (isRoot) {
    try {
      execFileSync("mount", ["-t", "bpf", "bpf", "/sys/fs/bpf"], { stdio: "ignore" });
      say("mounted bpffs at /sys/fs/bpf");
    } catch {
      say("could not mount bpffs at /sys/fs/bpf; pinning suites will skip");
    }
  } else {
    say("bpffs is not mounted and we are not root; kernel suites will skip");
  }
}

// The selftest corpus: a no-op when the cache has it; minutes the first time on a machine.
const corpus = spawnSync("bash", [new URL("../../scripts/selftests/build-corpus.sh", import.meta.url).pathname], { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
if (corpus.status === 0) say(`selftest corpus: ${corpus.stdout.trim().split("\n").pop()}`);
else say(`building the selftest corpus failed (status ${corpus.status}); test/selftests skips or, under CI as root, fails`);
