/* main.c: options and exit codes; everything else lives in the libraries.
 * Exit status: 0 success, 1 bad input (unreadable or malformed file, invalid
 * pattern), 2 usage (unknown option, missing argument, no terminal). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "stalactite/demangle.h"
#include "stalactite/fmt.h"
#include "stalactite/load.h"
#include "stalactite/report.h"
#include "stalactite/search.h"
#include "stalactite/ui.h"

enum mode { MODE_UI, MODE_REPORT, MODE_DEMANGLE };

typedef struct options {
	enum mode mode;
	st_report_opts report;
	const char *match;
	bool full;
	st_ui_opts ui;
} options;

static void usage(FILE *f)
{
	fputs("Usage: stalactite [OPTION]... PATH...\n"
	      "Explore where rustc spent its time: crates, codegen units, LLVM passes\n"
	      "and (async) functions, from -Z self-profile .mm_profdata files.\n"
	      "\n"
	      "PATH is a .mm_profdata file (plain, or compressed with zstd or gzip), a\n"
	      "directory searched for them (one per rustc run, as -Z self-profile=DIR\n"
	      "leaves for a cargo build), or - for standard input.  Without --report the\n"
	      "interactive viewer opens.\n"
	      "\n"
	      "  -r, --report          print a report instead of opening the viewer\n"
	      "  -f, --format=FORMAT   report format: text (default) or json\n"
	      "  -b, --by=KEY          text report: only the table for KEY, one of\n"
	      "                        source, crate, pass, cgu, function, async, label,\n"
	      "                        artifact\n"
	      "  -n, --top=N           rows per table (text default 20; json: all)\n"
	      "  -m, --match=REGEX     report: time of the events whose label or argument\n"
	      "                        matches the PCRE2 pattern REGEX (smart case)\n"
	      "      --demangle        filter standard input, demangling Rust symbols\n"
	      "      --full            with --demangle: keep hashes and disambiguators\n"
	      "      --no-mouse        viewer: do not take mouse input\n"
	      "  -h, --help            show this help and exit\n"
	      "  -V, --version         show the version and exit\n"
	      "\n"
	      "Exit status: 0 success, 1 bad input, 2 usage error.\n"
	      "Keys in the viewer: press ? for help.  See stalactite(1).\n", f);
}

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "stalactite: %s%s%s (try 'stalactite --help')\n", msg,
	        arg ? ": " : "", arg ? arg : "");
	return 2;
}

static bool valid_key(const char *k)
{
	for (const char *const *p = st_report_keys; *p; p++)
		if (strcmp(*p, k) == 0)
			return true;
	return false;
}

/* Returns -1 to go on, else the exit status. */
static int parse(int argc, char **argv, options *o)
{
	enum { OPT_DEMANGLE = 256, OPT_FULL, OPT_NO_MOUSE };
	static const struct option longs[] = {
		{ "report", no_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "by", required_argument, NULL, 'b' },
		{ "top", required_argument, NULL, 'n' },
		{ "match", required_argument, NULL, 'm' },
		{ "demangle", no_argument, NULL, OPT_DEMANGLE },
		{ "full", no_argument, NULL, OPT_FULL },
		{ "no-mouse", no_argument, NULL, OPT_NO_MOUSE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":rf:b:n:m:hV", longs, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'r': o->mode = MODE_REPORT; break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				o->report.format = ST_REPORT_JSON;
			else if (strcmp(optarg, "text") == 0)
				o->report.format = ST_REPORT_TEXT;
			else
				return usage_error("unknown report format", optarg);
			break;
		case 'b':
			if (!valid_key(optarg))
				return usage_error("unknown --by key", optarg);
			o->report.by = optarg;
			break;
		case 'n': {
			long v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || v < 0 || v > 100000000)
				return usage_error("--top needs a number", optarg);
			o->report.top = (unsigned)v;
			break;
		}
		case 'm': o->match = optarg; break;
		case OPT_DEMANGLE: o->mode = MODE_DEMANGLE; break;
		case OPT_FULL: o->full = true; break;
		case OPT_NO_MOUSE: o->ui.mouse = false; break;
		case 'h': usage(stdout); return 0;
		case 'V':
			printf("stalactite %s\n", PACKAGE_VERSION);
			return 0;
		case ':': return usage_error("option needs an argument", argv[optind - 1]);
		default: return usage_error("unknown option", argv[optind - 1]);
		}
	}
	return -1;
}

static void warn_stderr(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "stalactite: warning: %s\n", msg);
}

static int run_report(char *const *paths, int n, options *o)
{
	char err[1024];
	st_regex *re = NULL;
	st_match_report *mr = NULL;
	st_model *m = st_model_new();
	st_load_opts lo = { .warn = warn_stderr };
	if (o->match) {
		re = st_regex_compile(o->match, err, sizeof err);
		if (!re) {
			char shown[256];
			st_fmt_sanitize(o->match, strlen(o->match), shown, sizeof shown, false);
			fprintf(stderr, "stalactite: invalid pattern '%s': %s\n", shown, err);
			st_model_free(m);
			return 1;
		}
		mr = st_match_report_new(re, m->strs);
		lo.hook = st_match_report_hook(mr);
		o->report.match = mr;
	}
	int rc = st_load_paths(m, paths, n, &lo, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "stalactite: %s\n", err);
	else if (st_report_write(stdout, m, &o->report) != 0) {
		fprintf(stderr, "stalactite: error writing the report\n");
		rc = 1;
	}
	st_match_report_free(mr);
	st_regex_free(re);
	st_model_free(m);
	return rc;
}

static int run_ui(char *const *paths, int n, options *o)
{
	const char *term = getenv("TERM");
	o->ui.script = getenv("STALACTITE_SCRIPT");
	if (!o->ui.script) {
		if (!isatty(STDOUT_FILENO) || !term || !*term || strcmp(term, "dumb") == 0) {
			fprintf(stderr, "stalactite: the viewer needs a terminal (stdout is "
			        "not a tty or TERM is dumb); use --report for text output\n");
			return 2;
		}
	}
	const char *size = getenv("STALACTITE_SIZE");
	o->ui.width = 80;
	o->ui.height = 24;
	if (size && sscanf(size, "%dx%d", &o->ui.width, &o->ui.height) != 2)
		return usage_error("STALACTITE_SIZE must be WIDTHxHEIGHT", size);
	return st_ui_run(paths, n, &o->ui);
}

int main(int argc, char **argv)
{
	options o = { .mode = MODE_UI, .ui = { .mouse = true } };
	int rc = parse(argc, argv, &o);
	if (rc >= 0)
		return rc;
	char *const *paths = argv + optind;
	int n = argc - optind;
	if (o.mode == MODE_DEMANGLE) {
		if (n > 0)
			return usage_error("--demangle reads standard input only", paths[0]);
		return st_demangle_stream(stdin, stdout, o.full ? ST_DEMANGLE_FULL : 0)
		           ? 1 : 0;
	}
	if (o.match && o.mode != MODE_REPORT)
		return usage_error("--match goes with --report (use / in the viewer)", NULL);
	if (n == 0)
		return usage_error("no profile given", NULL);
	if (o.mode == MODE_REPORT)
		return run_report(paths, n, &o);
	return run_ui(paths, n, &o);
}
