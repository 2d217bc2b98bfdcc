#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/bench-proxy.sh LT WORKDIR
#
# Proxy-log parsing speed: lines per second of lt_log_parse_file() on a
# 5,000,000-line Squid native log and a 2,000,000-line BlueCoat ELFF log,
# both made by samples/logs/make-large-log.py (seed 1) on first use and
# then reused from WORKDIR.  Target (DESIGN.md): at least 1,000,000 lines
# per second per core, for each format.
#
# The parse runs in a small driver program built here from the library
# next to LT ($(dirname LT)/libleaktriage.a): `leaktriage proxy` also
# evaluates rules and writes a case database, which is not what this
# measures.  The driver parses the whole file once as a warm-up (page
# cache), then BENCH_RUNS times (default 5) in one thread; the callback
# only counts events and sums sizes.  The driver's line/event/bad counts
# must equal the generator's answer key, or the run fails.
#
# The target is per core, so the figure is lines per second of the parsing
# thread's CPU time (CLOCK_THREAD_CPUTIME_ID: user + system, reading from
# the page cache included), the median of the runs; it does not depend on
# what else the machine runs.  The wall-clock rate and the load average are
# printed next to it.
#
# Prints, per format:
#   proxy parse squid: N lines/s (target >= 1000000)
#   proxy parse squid vs 1M lines/s: ratio R (target >= 1.0)
# (the second form is the one run-bench.sh summarises), then the runs.

set -eu

TARGET=1000000
RUNS=${BENCH_RUNS:-5}
SQUID_LINES=5000000
ELFF_LINES=2000000

die() { echo "bench-proxy: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: $0 LT WORKDIR"
lt=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
gen=$root/samples/logs/make-large-log.py

lib=$(cd "$(dirname "$lt")" 2>/dev/null && pwd)/libleaktriage.a
[ -f "$lib" ] || lib=$root/${BUILD:-build}/libleaktriage.a
[ -f "$lib" ] || die "no libleaktriage.a next to $lt (make)"
command -v python3 > /dev/null 2>&1 || die "python3 not found (make deps)"
command -v cc > /dev/null 2>&1 || die "cc not found (make deps)"
mkdir -p "$work"

# The logs, made once (about 750 MB and 470 MB).
make_log() { # format lines file
	if [ ! -f "$3" ] || [ ! -f "$3.info" ]; then
		echo "generating $3 ($2 lines, takes a while)"
		rm -f "$3" "$3.info"
		python3 "$gen" "$1" "$2" "$3.tmp" --seed 1 > "$3.info.tmp" ||
			die "make-large-log.py $1 failed"
		mv "$3.tmp" "$3"
		mv "$3.info.tmp" "$3.info"
	fi
}
squid=$work/proxy-squid-5m.log
elff=$work/proxy-elff-2m.log
make_log squid $SQUID_LINES "$squid"
make_log elff $ELFF_LINES "$elff"

# The driver.
drv=$work/bench-proxy-driver
if [ ! -x "$drv" ] || [ -n "$(find "$lib" "$0" -newer "$drv")" ]; then
	cat > "$work/bench-proxy-driver.c" <<'EOF'
/* Built by bench/bench-proxy.sh: parse a log RUNS times, print the
 * counts and the lines/s of every run. */
#include "triage/core/compat.h"
#include "leaktriage/proxy.h"

struct acc {
	uint64_t events, bytes, hosts;
};

static int on_event(const struct lt_proxy_event *e, void *u)
{
	struct acc *a = u;

	a->events++;
	a->bytes += (uint64_t)(e->bytes_in > 0 ? e->bytes_in : 0);
	a->hosts += (uint64_t)(e->host[0] != 0);
	return 0;
}

int main(int argc, char **argv)
{
	struct lt_err err = LT_ERR_INIT;
	struct lt_log_stats st;
	enum lt_log_format f;
	int i, runs;

	if (argc != 4 || lt_log_format_from_name(argv[2], &f, &err))
		return 2;
	runs = (int)strtol(argv[3], NULL, 10);
	for (i = 0; i <= runs; i++) { /* run 0 warms the page cache */
		struct acc a = { 0 };
		struct timespec t0, t1, c0, c1;
		double s, c;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
		if (lt_log_parse_file(argv[1], f, 0, on_event, &a, &st,
				      &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		s = (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		c = (double)(c1.tv_sec - c0.tv_sec) +
		    (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
		if (i == 0)
			printf("lines=%" PRIu64 " events=%" PRIu64
			       " bad=%" PRIu64 " comments=%" PRIu64 "\n",
			       st.lines, st.events, st.bad, st.comments);
		else
			printf("run %.0f %.0f\n", (double)st.lines / c,
			       (double)st.lines / s);
	}
	return 0;
}
EOF
	# shellcheck disable=SC2046
	cc -std=c11 -O2 -I"$root/include" -I"$root" -o "$drv.tmp" \
		"$work/bench-proxy-driver.c" "$lib" \
		$(pkg-config --libs tsk libewf sqlite3 libcrypto libutf8proc \
			uchardet libmagic yara 2>/dev/null) -lz -lpthread -lm ||
		die "cannot build the driver against $lib"
	mv "$drv.tmp" "$drv"
fi

bench() { # name format file
	out=$("$drv" "$3" "$2" "$RUNS") || die "driver failed on $3"
	counts=$(echo "$out" | head -n 1)
	want=$(cat "$3.info")
	[ "$counts" = "$want" ] ||
		die "$1: parsed '$counts', the generator wrote '$want'"
	echo "$out" | sed -n 's/^run //p' | python3 -c '
import statistics, sys
name, target, counts, size = sys.argv[1:]
runs = [l.split() for l in sys.stdin if l.strip()]
rates = [float(r[0]) for r in runs]
walls = [float(r[1]) for r in runs]
med = statistics.median(rates)
lines = int(counts.split()[0].split("=")[1])
print("proxy parse %s: %d lines/s (target >= %d)" % (name, med, int(target)))
print("proxy parse %s vs 1M lines/s: ratio %.2f (target >= 1.0)"
      % (name, med / float(target)))
print("  runs, lines per CPU second: %s" % " ".join("%.0f" % r for r in rates))
print("  runs, lines per wall second: %s (load average %s)"
      % (" ".join("%.0f" % r for r in walls),
         open("/proc/loadavg").read().split()[0]))
print("  %s, %.0f MB, %.0f MB per CPU second" % (counts, int(size) / 1e6,
                                                  med * int(size) / 1e6 / lines))
' "$1" "$TARGET" "$counts" "$(stat -c %s "$3")"
}

bench squid squid "$squid"
bench ELFF elff "$elff"
