// A libbpf loader (C, linked with -lbpf) for the pinning tests: opens an object with
// `pin_root_path`, loads it, and for one map prints whether libbpf pinned it, where, the
// kernel's map id, and the value under key 0 (a u64; 0 when absent); optionally writes a new value.
// Run twice, it shows whether the second load reused the pinned map (same id, value kept).
export const PIN_LOADER_C = `#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

/* usage: pin-loader OBJ PIN_ROOT MAP [VALUE] */
int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = argv[2]);
	struct bpf_object *obj;
	struct bpf_map *map;
	struct bpf_map_info info;
	__u32 len = sizeof(info), key = 0;
	__u64 value = 0;
	int fd;

	if (argc < 4)
		return 2;
	obj = bpf_object__open_file(argv[1], &opts);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "load %s: %s\\n", argv[1], strerror(errno));
		return 1;
	}
	map = bpf_object__find_map_by_name(obj, argv[3]);
	if (!map)
		return 3;
	fd = bpf_map__fd(map);
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 4;
	/* A hash map has no key 0 until written: value=0 then. */
	if (bpf_map_lookup_elem(fd, &key, &value) && errno != ENOENT)
		return 4;
	printf("pinned=%d path=%s id=%u value=%llu\\n", bpf_map__is_pinned(map), bpf_map__pin_path(map) ? bpf_map__pin_path(map) : "-", info.id, (unsigned long long)value);
	if (argc > 4) {
		value = strtoull(argv[4], NULL, 0);
		if (bpf_map_update_elem(fd, &key, &value, 0))
			return 5;
	}
	bpf_object__close(obj);
	return 0;
}
`;
