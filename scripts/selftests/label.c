/* The selftest corpus's labeller: the running kernel's verdict on every program of one BPF
 * object when that program is loaded alone (as veristat does), through libbpf of the same
 * source package as the programs. For each program the object is opened afresh, only that
 * program is autoloaded, and the load asks for log level 1 plus statistics (4); the log is
 * kept whole (the buffer grows while the kernel says it was too small).
 *
 * usage: label OBJECT.o     prints one JSON object per program:
 *   {"program":..,"verdict":"accept"|"reject"|"unlabelable","message":..,"processed":N,"verify_us":N,"errno":N}
 * "unlabelable": the verifier never ran (libbpf or the kernel failed first, no verifier log),
 * or ran on an instruction libbpf poisoned (a failed CO-RE relocation), or the program is not
 * in section "xdp" (struct_ops programs keep their section).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

static int quiet(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level; (void)fmt; (void)args;
	return 0;
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') printf("\\%c", c);
		else if (c < 0x20) printf("\\u%04x", c);
		else putchar(c);
	}
	putchar('"');
}

/* The verifier's complaint: the last log line that is not statistics or a state dump. */
static void last_message(char *log, char *out, size_t size)
{
	out[0] = 0;
	for (char *line = strtok(log, "\n"); line; line = strtok(NULL, "\n")) {
		if (!*line || !strncmp(line, "processed ", 10) || !strncmp(line, "verification time", 17) ||
		    !strncmp(line, "stack depth", 11) || !strncmp(line, "mark_precise", 12) || line[0] == ';' ||
		    !strncmp(line, "old state:", 10) || !strncmp(line, "cur state:", 10))
			continue;
		snprintf(out, size, "%s", line);
	}
}

/* Loads only `name` of the object at `path`; libbpf's result, the log in *buf. */
static int label(const char *path, const char *name, char **buf, size_t *size)
{
	for (;;) {
		struct bpf_object *obj = bpf_object__open_file(path, NULL);
		if (!obj) return -errno;
		struct bpf_program *prog, *target = NULL;
		bpf_object__for_each_program(prog, obj) {
			int me = !strcmp(bpf_program__name(prog), name);
			bpf_program__set_autoload(prog, me);
			if (me) target = prog;
		}
		(*buf)[0] = 0;
		bpf_program__set_log_level(target, 1 | 4);
		bpf_program__set_log_buf(target, *buf, *size);
		int err = bpf_object__load(obj);
		bpf_object__close(obj);
		if (err == -ENOSPC && *size < (1u << 30)) {
			*size *= 4;
			*buf = realloc(*buf, *size);
			continue;
		}
		return err;
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s OBJECT.o\n", argv[0]);
		return 2;
	}
	libbpf_set_print(quiet);
	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "%s: cannot open: %s\n", argv[1], strerror(errno));
		return 1;
	}
	size_t size = 16 << 20;
	char *buf = malloc(size), message[4096];
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, obj) {
		const char *name = bpf_program__name(prog);
		int err = label(argv[1], name, &buf, &size);
		const char *p = strstr(buf, "processed ");
		const char *t = strstr(buf, "verification time ");
		long processed = p ? strtol(p + 10, NULL, 10) : -1, us = t ? strtol(t + 18, NULL, 10) : -1;
		/* Not verifier verdicts on the program's own code: programs kept out of "xdp" (struct_ops),
		 * and instructions libbpf poisoned because a CO-RE relocation failed. */
		const char *section = bpf_program__section_name(prog);
		int poisoned = err && strstr(buf, "failed to resolve CO-RE relocation") != NULL;
		int have_log = buf[0] != 0;
		last_message(buf, message, sizeof(message));
		/* libbpf may fail after the verifier accepted (filling a PROG_ARRAY slot with a program
		 * it did not load): the log then has the statistics and no complaint. */
		if (err && !message[0] && processed >= 0) err = 0;
		const char *verdict = strcmp(section, "xdp") ? "unlabelable" : poisoned ? "unlabelable" : err == 0 ? "accept" : have_log ? "reject" : "unlabelable";
		printf("{\"program\":");
		json_string(name);
		printf(",\"verdict\":\"%s\",\"errno\":%d", verdict, -err);
		if (strcmp(section, "xdp")) {
			printf(",\"message\":");
			json_string("not an XDP program (section kept)");
		} else if (err && have_log) {
			printf(",\"message\":");
			json_string(message);
		} else if (err) {
			printf(",\"message\":");
			json_string(strerror(-err));
		}
		if (processed >= 0) printf(",\"processed\":%ld", processed);
		if (us >= 0) printf(",\"verify_us\":%ld", us);
		printf("}\n");
		fflush(stdout);
	}
	bpf_object__close(obj);
	free(buf);
	return 0;
}
