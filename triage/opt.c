// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Command-line options from a table; the table also writes --help.
 */
#include "triage/core/compat.h"
#include "triage/opt.h"
#include "leaktriage/exit.h"

void lt_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "leaktriage %s: error: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'leaktriage %s --help'\n", cmd);
	exit(LT_EXIT_USAGE);
}

void lt_usage_help(const struct lt_opt *opts, const struct lt_cmd_help *h)
{
	const struct lt_opt *o;

	printf("usage: %s\n\n%s\n", h->usage, h->description);
	for (o = opts; o->type != LT_OPT_END; o++) {
		char lhs[80];
		int n = 0;

		if (o->type == LT_OPT_GROUP) {
			printf("\n%s\n", o->help);
			continue;
		}
		if (o->short_name)
			n = snprintf(lhs, sizeof(lhs), "-%c, ", o->short_name);
		else
			n = snprintf(lhs, sizeof(lhs), "    ");
		n += snprintf(lhs + n, sizeof(lhs) - (size_t)n, "--%s",
			      o->long_name);
		if (o->argh)
			snprintf(lhs + n, sizeof(lhs) - (size_t)n, " %s",
				 o->argh);
		if (strlen(lhs) > 24)
			printf("    %s\n%30s%s\n", lhs, "", o->help);
		else
			printf("    %-26s%s\n", lhs, o->help);
	}
	printf("    %-26s%s\n", "-h, --help", "show this help and exit");
	if (h->epilog)
		printf("\n%s\n", h->epilog);
}

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return false;
	switch (*end) {
	case 'k': case 'K': mul = 1ull << 10; end++; break;
	case 'm': case 'M': mul = 1ull << 20; end++; break;
	case 'g': case 'G': mul = 1ull << 30; end++; break;
	case 't': case 'T': mul = 1ull << 40; end++; break;
	default: break;
	}
	if (*end == 'i' || *end == 'B')
		end++;
	if (*end == 'B')
		end++;
	if (*end || (v && mul > UINT64_MAX / v))
		return false;
	*out = (uint64_t)v * mul;
	return true;
}

static void set_value(const char *cmd, const struct lt_opt *o,
		      const char *arg, bool neg)
{
	switch (o->type) {
	case LT_OPT_BOOL:
		*(bool *)o->value = !neg;
		break;
	case LT_OPT_STR:
		*(const char **)o->value = arg;
		break;
	case LT_OPT_LIST: {
		struct lt_strlist *l = o->value;
		const char **n = realloc(l->items,
					 (size_t)(l->count + 1) * sizeof(*n));

		if (!n) {
			fprintf(stderr, "leaktriage: out of memory\n");
			exit(LT_EXIT_INTERNAL);
		}
		n[l->count++] = arg;
		l->items = n;
		break;
	}
	case LT_OPT_U64:
		if (!parse_u64(arg, o->value))
			lt_usage_error(cmd, "option '--%s' wants a size or "
				       "number, not '%s'", o->long_name, arg);
		break;
	case LT_OPT_INT: {
		char *end;
		long v;

		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || !*arg || *end || v < INT_MIN || v > INT_MAX)
			lt_usage_error(cmd, "option '--%s' wants a number, "
				       "not '%s'", o->long_name, arg);
		*(int *)o->value = (int)v;
		break;
	}
	case LT_OPT_VERBOSE:
		(*(int *)o->value)++;
		break;
	case LT_OPT_QUIET:
		*(int *)o->value = 0;
		break;
	default:
		break;
	}
}

static bool takes_arg(const struct lt_opt *o)
{
	return o->type == LT_OPT_STR || o->type == LT_OPT_LIST ||
	       o->type == LT_OPT_U64 || o->type == LT_OPT_INT;
}

int lt_parse_options(int argc, char **argv, const struct lt_opt *opts,
		     const struct lt_cmd_help *h)
{
	const char *cmd = h->name;
	int i, nops = 0;
	bool only_operands = false;

	for (i = 1; i < argc; i++) {
		char *a = argv[i];
		const struct lt_opt *o;

		if (only_operands || a[0] != '-' || !a[1]) {
			argv[nops++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_operands = true;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			lt_usage_help(opts, h);
			exit(LT_EXIT_OK);
		}
		if (a[1] == '-') {
			char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			bool neg = false;

			for (o = opts; o->type != LT_OPT_END; o++)
				if (o->long_name &&
				    strlen(o->long_name) == len &&
				    !strncmp(o->long_name, name, len))
					break;
			if (o->type == LT_OPT_END && len > 3 &&
			    !strncmp(name, "no-", 3)) {
				for (o = opts; o->type != LT_OPT_END; o++)
					if (o->type == LT_OPT_BOOL &&
					    strlen(o->long_name) == len - 3 &&
					    !strncmp(o->long_name, name + 3,
						     len - 3))
						break;
				neg = true;
			}
			if (o->type == LT_OPT_END)
				lt_usage_error(cmd, "unknown option '--%.*s'",
					       (int)len, name);
			if (takes_arg(o)) {
				const char *arg = eq ? eq + 1 : NULL;

				if (!arg) {
					if (i + 1 >= argc)
						lt_usage_error(cmd, "option "
							       "'--%s' needs a "
							       "value",
							       o->long_name);
					arg = argv[++i];
				}
				set_value(cmd, o, arg, false);
			} else {
				if (eq)
					lt_usage_error(cmd, "option '--%s' "
						       "takes no value",
						       o->long_name);
				set_value(cmd, o, NULL, neg);
			}
			continue;
		}
		/* Short options, possibly bundled: -qv, -o FILE, -oFILE. */
		for (char *p = a + 1; *p; p++) {
			for (o = opts; o->type != LT_OPT_END; o++)
				if (o->short_name == *p)
					break;
			if (o->type == LT_OPT_END)
				lt_usage_error(cmd, "unknown option '-%c'", *p);
			if (takes_arg(o)) {
				const char *arg = p[1] ? p + 1 : NULL;

				if (!arg) {
					if (i + 1 >= argc)
						lt_usage_error(cmd, "option "
							       "'-%c' needs a "
							       "value", *p);
					arg = argv[++i];
				}
				set_value(cmd, o, arg, false);
				break;
			}
			set_value(cmd, o, NULL, false);
		}
	}
	return nops;
}
