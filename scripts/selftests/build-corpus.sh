#!/usr/bin/env bash
# Builds the selftest corpus: Linux's verifier selftests (tools/testing/selftests/bpf/progs/
# verifier_*.c of Debian's linux-source package) compiled with every program in section "xdp",
# so the bundled verifier and the kernel can be compared on them as XDP programs; and the
# labeller (label.c beside this script) against libbpf of the same package.
#
#   scripts/selftests/build-corpus.sh           build (or reuse) the corpus; prints its directory last
#   scripts/selftests/build-corpus.sh --where   print the directory of a complete build, or exit 3
#
# The build is cached outside the work tree (CI runs on a fresh clone of the same machine):
# $TSBPF_CACHE (default ~/.cache/tsbpf)/selftests/<package version>/<clang version>/<kernel>/,
# the kernel because vmlinux.h comes from the running kernel's BTF. Inside: xdp/NAME.o,
# xdp_src/NAME.c (the rewritten source), compile.tsv (NAME, ok|failed, first error), SOURCE
# (package, clang, kernel), libbpf/ (headers and libbpf.a), label (the labeller, rebuilt when
# label.c changes) and COMPLETE once everything is in place.
#
# Env: LINUX_SOURCE_PKG [linux-source-6.12], LINUX_SOURCE_VERSION [the version the checked-in
#      labels name, else the candidate apt knows, else the newest .deb already downloaded],
#      CLANG [clang-19], JOBS [nproc].
set -euo pipefail

PKG="${LINUX_SOURCE_PKG:-linux-source-6.12}"
CLANG="${CLANG:-clang-19}"
JOBS="${JOBS:-$(nproc)}"
CACHE="${TSBPF_CACHE:-${HOME:-/root}/.cache/tsbpf}/selftests"
DOWNLOADS="$CACHE/downloads"
say() { echo "[selftests] $*" >&2; }

HERE="$(cd "$(dirname "$0")" && pwd)"

# --- the cache key -------------------------------------------------------------------------
# The package version the checked-in labels were taken from, unless told otherwise: the labels
# hold for those objects only.
labels="$HERE/../../test/fixtures/kernel/selftests-labels.json"
pinned=""
[ -f "$labels" ] && pinned=$(grep -o '"source":"[^"]*"' "$labels" | head -1 | sed -E 's/^"source":"[^ ]+ ([^"]+)"$/\1/')
version="${LINUX_SOURCE_VERSION:-$pinned}"
if [ -z "$version" ]; then
  version=$(apt-cache policy "$PKG" 2>/dev/null | awk '/Candidate:/ { print $2 }')
  [ "$version" = "(none)" ] && version=""
fi
if [ -z "$version" ] && ls "$DOWNLOADS/${PKG}_"*.deb >/dev/null 2>&1; then
  version=$(dpkg-deb -f "$(ls "$DOWNLOADS/${PKG}_"*.deb | sort -V | tail -1)" Version)
fi
if [ -z "$version" ]; then
  if [ "${1:-}" = "--where" ]; then exit 3; fi
  say "apt does not know $PKG; running apt-get update"
  apt-get update -qq >&2
  version=$(apt-cache policy "$PKG" | awk '/Candidate:/ { print $2 }')
  [ -n "$version" ] && [ "$version" != "(none)" ] || { say "no $PKG package to download"; exit 1; }
fi
clang_version=$("$CLANG" --version | head -1 | sed -E 's/.*version ([^ ]+).*/\1/')
kernel=$(uname -r)
OUT="$CACHE/${version//[^A-Za-z0-9.+-]/_}/clang-$clang_version/$kernel"

# The labeller: rebuilt (a second) when label.c is not the one it was built from.
build_labeller() {
  local dir=$1 sum
  sum=$(sha256sum "$HERE/label.c" | cut -c1-16)
  [ -x "$dir/label" ] && [ "$(cat "$dir/label.sha" 2>/dev/null)" = "$sum" ] && return 0
  gcc -O2 -Wall -o "$dir/label" "$HERE/label.c" -I"$dir/libbpf/usr/include" "$dir/libbpf/usr/lib64/libbpf.a" -lelf -lz >&2
  echo "$sum" >"$dir/label.sha"
}

if [ -f "$OUT/COMPLETE" ]; then
  [ "${1:-}" = "--where" ] || build_labeller "$OUT"
  echo "$OUT"
  exit 0
fi
if [ "${1:-}" = "--where" ]; then exit 3; fi

# --- the source package: only the files the programs need ------------------------------------
mkdir -p "$DOWNLOADS"
deb="$DOWNLOADS/${PKG}_${version//:/%3a}_all.deb"
if [ ! -s "$deb" ]; then
  say "apt-get download $PKG=$version"
  if ! (cd "$DOWNLOADS" && apt-get download "$PKG=$version" >&2); then
    [ -n "$(apt-cache policy "$PKG" 2>/dev/null)" ] || apt-get update -qq >&2 || true
    if ! (cd "$DOWNLOADS" && apt-get download "$PKG=$version" >&2); then
      # Superseded in the archive: build the current one (the suite then asks for a relabel).
      candidate=$(apt-cache policy "$PKG" | awk '/Candidate:/ { print $2 }')
      say "$PKG $version cannot be downloaded; building $candidate instead, which the checked-in labels do not cover"
      version=$candidate
      OUT="$CACHE/${version//[^A-Za-z0-9.+-]/_}/clang-$clang_version/$kernel"
      if [ -f "$OUT/COMPLETE" ]; then build_labeller "$OUT"; echo "$OUT"; exit 0; fi
      deb="$DOWNLOADS/${PKG}_${version//:/%3a}_all.deb"
      (cd "$DOWNLOADS" && apt-get download "$PKG=$version" >&2)
    fi
  fi
fi
[ -s "$deb" ] || deb=$(ls "$DOWNLOADS/${PKG}_"*"_all.deb" | head -1)
work=$(mktemp -d "${TMPDIR:-/tmp}/tsbpf-selftests-XXXXXX")
trap 'rm -rf "$work"' EXIT
top="${PKG}"   # the tarball's top directory, e.g. linux-source-6.12
say "extracting the selftests, libbpf and uapi headers from $(basename "$deb")"
dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards "./usr/src/${PKG}.tar.*" |
  tar -xJ -C "$work" "$top/tools/testing/selftests/bpf" "$top/tools/lib/bpf" "$top/tools/include" \
    "$top/tools/build" "$top/tools/scripts" "$top/tools/arch/x86" "$top/include/uapi" "$top/scripts/bpf_doc.py"
src="$work/$top"
st="$src/tools/testing/selftests/bpf"

stage="$OUT.partial"
rm -rf "$stage" && mkdir -p "$stage/xdp" "$stage/xdp_src" "$stage/errors"

# --- libbpf of the same tree (headers for the programs, libbpf.a for the labeller) -----------
say "building libbpf from the package"
make -C "$src/tools/lib/bpf" -j"$JOBS" BUILD_STATIC_ONLY=1 OBJDIR="$work/libbpf-build" DESTDIR="$stage/libbpf" prefix=/usr install \
  >"$work/libbpf.log" 2>&1 || { tail -20 "$work/libbpf.log" >&2; exit 1; }
# Inside the tree and named relatively when compiling, so that no temporary path ends up in
# the objects' debug info (the labels hold for exact bytes).
inc="$st/tsbpf-inc"
mkdir -p "$inc"
cp -r "$stage/libbpf/usr/include/bpf" "$inc/"
# vmlinux.h of the running kernel
if command -v bpftool >/dev/null; then bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$inc/vmlinux.h"
else /usr/sbin/bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$inc/vmlinux.h"; fi

# --- every program's section becomes "xdp" ----------------------------------------------------
# Kept: data sections (".maps", ".data*", ".rodata*", ...), "license", struct_ops sections
# (a struct_ops map must point at struct_ops programs). SEC(MACRO) and SEC("a" MACRO "b") are
# program sections too.
rewrite() {
  perl -pe '
    s{SEC\(\s*("([^"]*)"[^)]*|[A-Za-z_]\w*)\s*\)}{
      my ($arg, $name) = ($1, $2);
      (defined $name && ($name =~ /^\./ || $name eq "license" || $name =~ /^\??struct_ops/)) ? "SEC(\"$name\")" : "SEC(\"xdp\")"
    }ge' "$1"
}

for f in "$st"/progs/verifier_*.c; do
  b=$(basename "$f" .c)
  rewrite "$f" >"$st/progs/xdp_$b.c"
  cp "$st/progs/xdp_$b.c" "$stage/xdp_src/$b.c"
done
say "compiling $(ls "$stage/xdp_src" | wc -l) sources with $CLANG -O2 -mcpu=v3 ($JOBS at a time)"
export CLANG st stage
compile() {
  b=$1
  flags=(-g -O2 --target=bpf -mcpu=v3 -D__TARGET_ARCH_x86 -DENABLE_ATOMICS_TESTS -Itsbpf-inc -I. -Iprogs
         -I../../../include/uapi -I/usr/include/x86_64-linux-gnu -Wno-compare-distinct-pointer-types
         -fdebug-compilation-dir=.)
  cd "$st"
  # Some sources warn against a newer vmlinux.h; they are built without -Werror then.
  if "$CLANG" "${flags[@]}" -Werror -c "progs/xdp_$b.c" -o "$stage/xdp/$b.o" 2>"$stage/errors/$b.err" ||
     "$CLANG" "${flags[@]}" -c "progs/xdp_$b.c" -o "$stage/xdp/$b.o" 2>>"$stage/errors/$b.err"; then
    printf '%s\tok\t\n' "$b"
  else
    rm -f "$stage/xdp/$b.o"
    printf '%s\tfailed\t%s\n' "$b" "$(grep -m1 'error:' "$stage/errors/$b.err" | tr '\t' ' ')"
  fi
}
export -f compile
ls "$stage/xdp_src" | sed 's/\.c$//' | xargs -P "$JOBS" -I{} bash -c 'compile {}' | sort >"$stage/compile.tsv"
failed=$(awk -F'\t' '$2 == "failed"' "$stage/compile.tsv" | wc -l)
say "$(wc -l <"$stage/compile.tsv") sources, $failed failed to compile"
printf 'package\t%s %s\nclang\t%s\nkernel\t%s\n' "$PKG" "$version" "$clang_version" "$kernel" >"$stage/SOURCE"
build_labeller "$stage"
touch "$stage/COMPLETE"
rm -rf "$OUT" && mv "$stage" "$OUT"
echo "$OUT"
