// A C user-space loader for a `bpftool gen skeleton` header, generated per object: it opens
// and loads the object through the skeleton (libbpf, the running kernel), then prints what
// the kernel holds — each program's fd, each map's type and sizes (BPF_OBJ_GET_INFO_BY_FD), the zero key's value
// of array and hash maps, and every global's bytes read through the skeleton's mmapped
// .data/.rodata/.bss structs — in lines the tests compare with the VM's view of the object.
import { readObject } from "../../runtime/object/object-file.js";

/** Map types whose zero-key lookup gives one value of value_size bytes (or -ENOENT) in both kernel and VM. */
const LOOKUP_TYPES = new Set([1 /* HASH */, 2 /* ARRAY */, 9 /* LRU_HASH */]);

export interface GlobalVar {
  readonly section: ".data" | ".rodata" | ".bss";
  readonly name: string;
  readonly offset: number;
  readonly size: number;
}

/** The variables of the object's .data/.rodata/.bss, from its BTF DATASECs. */
export function globalVars(object: Uint8Array): GlobalVar[] {
  const btf = readObject(object).btf;
  if (!btf) return [];
  return btf.types.flatMap((t) => {
    if (t.kind !== "DATASEC" || (t.name !== ".data" && t.name !== ".rodata" && t.name !== ".bss")) return [];
    const section = t.name;
    return t.vars.map((v) => {
      const vt = btf.types[v.type - 1]!;
      return { section, name: vt.kind === "VAR" ? vt.name : "", offset: v.offset, size: v.size };
    });
  });
}

const skelField: Record<GlobalVar["section"], string> = { ".data": "data", ".rodata": "rodata", ".bss": "bss" };

/** C source of the loader for skeleton `name` (header `<name>.skel.h`). */
export function loaderSource(name: string, vars: readonly GlobalVar[]): string {
  const printVars = vars
    .map((v) => `\tdump("global ${v.section} ${v.name}", &skel->${skelField[v.section]}->${v.name}, sizeof(skel->${skelField[v.section]}->${v.name}));`)
    .join("\n");
  return `#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "${name}.skel.h"

static void dump(const char *what, const void *p, size_t n)
{
\tconst unsigned char *b = p;
\tprintf("%s%s", what, n ? " " : "");
\tfor (size_t i = 0; i < n; i++)
\t\tprintf("%02x", b[i]);
\tprintf("\\n");
}

int main(void)
{
\tstruct ${name} *skel = ${name}__open_and_load();
\tstruct bpf_program *prog;
\tstruct bpf_map *m;

\tif (!skel) {
\t\tfprintf(stderr, "open_and_load: %s\\n", strerror(errno));
\t\treturn 1;
\t}
\tbpf_object__for_each_program(prog, skel->obj)
\t\tprintf("prog %s fd=%s\\n", bpf_program__name(prog), bpf_program__fd(prog) >= 0 ? "ok" : "none");
\tbpf_object__for_each_map(m, skel->obj) {
\t\tstruct bpf_map_info info;
\t\t__u32 len = sizeof(info);
\t\tint fd = bpf_map__fd(m);

\t\tmemset(&info, 0, sizeof(info));
\t\tif (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len)) {
\t\t\tfprintf(stderr, "map %s: no info\\n", bpf_map__name(m));
\t\t\treturn 1;
\t\t}
\t\tprintf("map %s type=%u key=%u value=%u max=%u\\n", bpf_map__name(m), info.type, info.key_size, info.value_size, info.max_entries);
\t\tif (${[...LOOKUP_TYPES].map((t) => `info.type == ${t}`).join(" || ")}) {
\t\t\tunsigned char *key = calloc(1, info.key_size), *val = calloc(1, info.value_size);
\t\t\tint rc = bpf_map_lookup_elem(fd, key, val) ? -errno : 0;
\t\t\tchar what[64];

\t\t\tsnprintf(what, sizeof(what), "lookup %s rc=%d", bpf_map__name(m), rc);
\t\t\tdump(what, val, rc ? 0 : info.value_size);
\t\t\tfree(key);
\t\t\tfree(val);
\t\t}
\t}
${printVars}
\t${name}__destroy(skel);
\treturn 0;
}
`;
}

export { LOOKUP_TYPES };
