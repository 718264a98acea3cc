/* main.c: options and exit codes; everything else lives in the libraries.
 * Exit status: 0 success, 1 bad input (unreadable or malformed file, invalid
 * pattern) or a fatal error (out of memory: st_fatal), 2 usage (unknown
 * option, missing argument, no terminal), 128 + N when the viewer was ended
 * by signal N. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "stalactite/demangle.h"
#include "stalactite/diff.h"
#include "stalactite/fmt.h"
#include "stalactite/load.h"
#include "stalactite/report.h"
#include "stalactite/search.h"
#include "stalactite/snapshot.h"
#include "stalactite/ui.h"
#include "stalactite/xalloc.h"

enum mode { MODE_UI, MODE_REPORT, MODE_DEMANGLE };

typedef struct options {
	enum mode mode;
	st_report_opts report;
	const char *match;
	bool full;
	bool diff;
	const char *save;   /* --save FILE: write a snapshot instead */
	bool jobs_set;      /* -j given: STALACTITE_JOBS is not read */
	const char *report_only;   /* a report option given (for the error) */
	st_ui_opts ui;
} options;

static void usage(FILE *f)
{
	fputs("Usage: stalactite [OPTION]... PATH...\n"
	      "Explore where rustc spent its time: crates, codegen units, LLVM passes\n"
	      "and (async) functions, from -Z self-profile .mm_profdata files and the\n"
	      "build's other timing outputs.\n"
	      "\n"
	      "PATH is a file, a directory searched for them (one profile per rustc\n"
	      "run, as -Z self-profile=DIR leaves for a cargo build), or - for standard\n"
	      "input.  Files are recognised by content, plain or compressed with zstd\n"
	      "or gzip: .mm_profdata profiles, cargo --timings HTML and -Zbuild-analysis\n"
	      "logs, -Z llvm-time-trace and other Chrome trace JSON, -Z time-passes and\n"
	      "-Z time-llvm-passes output, folded stacks, and stalactite's own --save\n"
	      "snapshots.  Without --report the interactive viewer opens.\n"
	      "\n"
	      "  -r, --report          print a report instead of opening the viewer\n"
	      "  -f, --format=FORMAT   report format: text (default) or json\n"
	      "  -b, --by=KEY          text report: only the table for KEY, one of\n"
	      "                        source, crate, pass, cgu, function, generic, async,\n"
	      "                        label, artifact, unit (cargo timings' units)\n"
	      "  -n, --top=N           rows per table (text default 20; json: all)\n"
	      "  -m, --match=REGEX     report: time of the events whose label or argument\n"
	      "                        matches the PCRE2 pattern REGEX (smart case)\n"
	      "  -d, --diff            compare two builds: PATH... is BASE NEW, each a file\n"
	      "                        or a directory; tables show base, new and the change\n"
	      "      --min-delta=TIME  with --diff: hide rows whose time changed less than\n"
	      "                        TIME (e.g. 5ms, 200us, 1.5s; default: hide nothing)\n"
	      "  -j, --jobs=N          load files on N threads (default: STALACTITE_JOBS,\n"
	      "                        else every online core); the result is the same\n"
	      "      --save=FILE       write the loaded build to FILE as a snapshot, which\n"
	      "                        opens in its place, fast (PATH... is one build)\n"
	      "      --demangle        filter standard input, demangling Rust symbols\n"
	      "      --full            with --demangle: keep hashes and disambiguators\n"
	      "      --no-mouse        viewer: do not take mouse input\n"
	      "  -h, --help            show this help and exit\n"
	      "  -V, --version         show the version and exit\n"
	      "\n"
	      "Exit status: 0 success, 1 bad input (or out of memory), 2 usage error,\n"
	      "128+N when signal N ended the viewer.\n"
	      "Keys in the viewer: press ? for help.  See stalactite(1).\n", f);
}

static int usage_error(const char *msg, const char *arg)
{
	char shown[512];   /* an argument may be a file name holding escapes */
	st_fmt_sanitize(arg ? arg : "", arg ? strlen(arg) : 0, shown, sizeof shown,
	                false);
	fprintf(stderr, "stalactite: %s%s%s (try 'stalactite --help')\n", msg,
	        arg ? ": " : "", shown);
	return 2;
}

static bool valid_key(const char *k)
{
	for (const char *const *p = st_report_keys; *p; p++)
		if (strcmp(*p, k) == 0)
			return true;
	return false;
}

/* "5ms", "1.5s", "200us", "250ns" or a plain number of ns into *ns. */
static bool parse_duration(const char *s, int64_t *ns)
{
	static const struct { const char *unit; double scale; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "ms", 1e6 },
		{ "s", 1e9 }, { "", 1 },
	};
	char *end;
	double v = strtod(s, &end);
	if (end == s || !(v >= 0) || v > 1e18)
		return false;
	for (size_t i = 0; i < sizeof units / sizeof *units; i++)
		if (strcmp(end, units[i].unit) == 0 && v * units[i].scale <= 9e18 &&
		    (*end || v == 0)) {   /* "5": 5 what? only 0 needs no unit */
			*ns = (int64_t)(v * units[i].scale + 0.5);
			return true;
		}
	return false;
}

/* -j N, STALACTITE_JOBS: threads loading files (st_load_set_jobs); a
 * larger count than the loader uses (ST_LOAD_MAX_JOBS) is taken as its
 * most. */
static bool set_jobs(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || v < 1)
		return false;
	st_load_set_jobs(v < ST_LOAD_MAX_JOBS ? (unsigned)v : ST_LOAD_MAX_JOBS);
	return true;
}

/* Returns -1 to go on, else the exit status. */
static int parse(int argc, char **argv, options *o)
{
	enum { OPT_DEMANGLE = 256, OPT_FULL, OPT_NO_MOUSE, OPT_MIN_DELTA,
	       OPT_HELP_KEYS, OPT_SAVE };
	static const struct option longs[] = {
		{ "report", no_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "by", required_argument, NULL, 'b' },
		{ "top", required_argument, NULL, 'n' },
		{ "match", required_argument, NULL, 'm' },
		{ "diff", no_argument, NULL, 'd' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "min-delta", required_argument, NULL, OPT_MIN_DELTA },
		{ "demangle", no_argument, NULL, OPT_DEMANGLE },
		{ "full", no_argument, NULL, OPT_FULL },
		{ "no-mouse", no_argument, NULL, OPT_NO_MOUSE },
		{ "save", required_argument, NULL, OPT_SAVE },
		/* hidden: the keys for the README and man page (make update-docs) */
		{ "help-keys", required_argument, NULL, OPT_HELP_KEYS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":rf:b:n:m:dj:hV", longs, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'r': o->mode = MODE_REPORT; break;
		case 'f':
			o->report_only = "--format";
			if (strcmp(optarg, "json") == 0)
				o->report.format = ST_REPORT_JSON;
			else if (strcmp(optarg, "text") == 0)
				o->report.format = ST_REPORT_TEXT;
			else
				return usage_error("unknown report format", optarg);
			break;
		case 'b':
			o->report_only = "--by";
			if (!valid_key(optarg))
				return usage_error("unknown --by key", optarg);
			o->report.by = optarg;
			break;
		case 'n': {
			o->report_only = "--top";
			long v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || v < 0 || v > 100000000)
				return usage_error("--top needs a number", optarg);
			o->report.top = (unsigned)v;
			break;
		}
		case 'm': o->match = optarg; break;
		case 'd': o->diff = true; break;
		case 'j':
			if (!set_jobs(optarg))
				return usage_error("-j needs a number of threads, 1 or more",
				                   optarg);
			o->jobs_set = true;
			break;
		case OPT_MIN_DELTA:
			if (!parse_duration(optarg, &o->report.min_delta))
				return usage_error("--min-delta needs a duration such as 5ms",
				                   optarg);
			break;
		case OPT_DEMANGLE: o->mode = MODE_DEMANGLE; break;
		case OPT_FULL: o->full = true; break;
		case OPT_NO_MOUSE: o->ui.mouse = false; break;
		case OPT_SAVE: o->save = optarg; break;
		case OPT_HELP_KEYS:
			if (st_ui_help_keys(stdout, optarg) != 0)
				return usage_error("--help-keys takes markdown or man", optarg);
			return fflush(stdout) == 0 ? 0 : 1;
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

/* What the arguments load: one build, or two with --diff (m is NEW). */
typedef struct loaded {
	st_model *base, *m;
	st_match_report *mr_base, *mr;   /* --report --match */
} loaded;

/* One side: paths loaded into a new model, with a match report when re is
 * given.  Returns st_load_paths' status. */
static int load_side(char *const *paths, int n, st_regex *re, st_load_opts lo,
                     st_model **m, st_match_report **mr, char *err, size_t errlen)
{
	*m = st_model_new();
	if (re) {
		*mr = st_match_report_new(re, (*m)->strs);
		lo.hook = st_match_report_hook(*mr);
	}
	return st_load_paths(*m, paths, n, &lo, err, errlen);
}

/* The one path from arguments to models, for reports and the viewer alike;
 * hooks sets each side's load options (progress, warnings).  Returns 0, 1
 * (bad input, the message in err) or 2 (cancelled). */
static int load_all(char *const *paths, int n, bool diff, st_regex *re,
                    void (*hooks)(void *ctx, const char *what, st_load_opts *lo),
                    void *ctx, loaded *out, char *err, size_t errlen)
{
	st_load_opts lo = { 0 };
	int rc = 0;
	*out = (loaded){ 0 };
	if (diff) {
		hooks(ctx, "base", &lo);
		rc = load_side(paths, 1, re, lo, &out->base, &out->mr_base, err, errlen);
		paths++;
		n--;
	}
	if (rc == 0) {
		hooks(ctx, diff ? "new" : NULL, &lo);
		rc = load_side(paths, n, re, lo, &out->m, &out->mr, err, errlen);
	}
	return rc;
}

static void loaded_free(loaded *l)
{
	st_match_report_free(l->mr);
	st_match_report_free(l->mr_base);
	st_model_free(l->m);
	st_model_free(l->base);
}

static void report_hooks(void *ctx, const char *what, st_load_opts *lo)
{
	(void)ctx;
	(void)what;
	lo->warn = warn_stderr;
}

static int run_report(char *const *paths, int n, options *o)
{
	char err[1024];
	st_regex *re = NULL;
	if (o->match) {
		re = st_regex_compile(o->match, err, sizeof err);
		if (!re) {
			char shown[256];
			st_fmt_sanitize(o->match, strlen(o->match), shown, sizeof shown, false);
			fprintf(stderr, "stalactite: invalid pattern '%s': %s\n", shown, err);
			return 1;
		}
	}
	loaded l;
	int rc = load_all(paths, n, o->diff, re, report_hooks, NULL, &l, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "stalactite: %s\n", err);
	o->report.match = l.mr;
	o->report.match_base = l.mr_base;
	if (rc == 0 && o->diff) {
		st_diff *d = st_diff_build(l.base, l.m);
		l.base = l.m = NULL;   /* the diff owns them */
		if (st_report_diff_write(stdout, d, &o->report) != 0)
			rc = 1;
		st_diff_free(d);
		if (rc == 1 && ferror(stdout))
			fprintf(stderr, "stalactite: error writing the report\n");
	} else if (rc == 0 && st_report_write(stdout, l.m, &o->report) != 0) {
		rc = 1;
		if (ferror(stdout))
			fprintf(stderr, "stalactite: error writing the report\n");
	}
	loaded_free(&l);
	st_regex_free(re);
	return rc != 0;
}

static void ui_hooks(void *ctx, const char *what, st_load_opts *lo)
{
	st_ui_load_opts(ctx, what, lo);
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
	if (o->diff) {
		o->ui.base_path = paths[0];
		o->ui.new_path = paths[1];
	}
	/* the viewer takes the terminal first: the load shows progress there,
	 * and q abandons it */
	st_ui *ui = st_ui_open(&o->ui);
	loaded l;
	char err[1024];
	int rc = load_all(paths, n, o->diff, NULL, ui_hooks, ui, &l, err, sizeof err);
	if (rc != 0) {
		loaded_free(&l);
		int status = st_ui_close(ui);   /* the terminal is back: now the message */
		if (rc == 2)   /* abandoned: by the user (0), or by a signal */
			return status;
		fprintf(stderr, "stalactite: %s\n", err);
		return 1;
	}
	if (o->diff)
		return st_ui_run(ui, NULL, st_diff_build(l.base, l.m));
	return st_ui_run(ui, l.m, NULL);
}

typedef struct notes {
	char **v;
	size_t n;
} notes;

/* Prints a warning and keeps it for the snapshot. */
static void warn_keep(void *ctx, const char *msg)
{
	notes *w = ctx;
	warn_stderr(NULL, msg);
	w->v = st_xreallocarray(w->v, w->n + 1, sizeof *w->v);
	w->v[w->n++] = st_xstrdup(msg);
}

/* --save FILE: the paths loaded (with the usual warnings, which the
 * snapshot repeats when opened) and written as a snapshot; no viewer. */
static int run_save(char *const *paths, int n, const char *file)
{
	char err[1024];
	notes w = { NULL, 0 };
	st_model *m = st_model_new();
	st_load_opts lo = { .warn = warn_keep, .warn_ctx = &w };
	int rc = st_load_paths(m, paths, n, &lo, err, sizeof err) ||
	         st_snapshot_save(m, (const char *const *)w.v, w.n, file, err,
	                          sizeof err);
	if (rc)
		fprintf(stderr, "stalactite: %s\n", err);
	for (size_t i = 0; i < w.n; i++)
		free(w.v[i]);
	free(w.v);
	st_model_free(m);
	return rc;
}

int main(int argc, char **argv)
{
	options o = { .mode = MODE_UI, .ui = { .mouse = true } };
	int rc = parse(argc, argv, &o);
	if (rc >= 0)
		return rc;
	/* every online core by default: loading is most of the wait */
	const char *jobs = getenv("STALACTITE_JOBS");
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (!o.jobs_set && jobs && *jobs && !set_jobs(jobs))
		return usage_error("STALACTITE_JOBS must be a number of threads, 1 or "
		                   "more", jobs);
	if (!o.jobs_set && !(jobs && *jobs))
		st_load_set_jobs(cores > 1 ? (unsigned)(cores < ST_LOAD_MAX_JOBS ? cores
		                 : ST_LOAD_MAX_JOBS) : 1);
	char *const *paths = argv + optind;
	int n = argc - optind;
	if (o.full && o.mode != MODE_DEMANGLE)
		return usage_error("--full goes with --demangle", NULL);
	if (o.mode == MODE_DEMANGLE) {
		if (n > 0)
			return usage_error("--demangle reads standard input only", paths[0]);
		errno = 0;
		if (st_demangle_stream(stdin, stdout, o.full ? ST_DEMANGLE_FULL : 0) == 0)
			return 0;
		int e = errno;
		fprintf(stderr, "stalactite: --demangle: %s%s%s\n", ferror(stdin)
		        ? "error reading standard input" : "error writing standard output",
		        e ? ": " : "", e ? strerror(e) : "");
		return 1;
	}
	if (o.match && o.mode != MODE_REPORT)
		return usage_error("--match goes with --report (use / in the viewer)", NULL);
	if (o.report_only && o.mode != MODE_REPORT)
		return usage_error("this option goes with --report", o.report_only);
	if (n == 0)
		return usage_error("no profile given", NULL);
	if (o.diff && n != 2)
		return usage_error("--diff compares two builds: give BASE and NEW", NULL);
	if (o.report.min_delta && !o.diff)
		return usage_error("--min-delta goes with --diff", NULL);
	o.ui.min_delta = o.report.min_delta;
	/* a load from the terminal would wait for a profile typed in, with
	 * the keys that stop a load going to it */
	for (int i = 0; i < n; i++)
		if (strcmp(paths[i], "-") == 0 && isatty(STDIN_FILENO))
			return usage_error("standard input is a terminal: pipe a file "
			                   "into '-'", NULL);
	if (o.save && (o.mode != MODE_UI || o.diff))
		return usage_error("--save writes a snapshot: it goes without --report "
		                   "and --diff", NULL);
	if (o.save)
		return run_save(paths, n, o.save);
	if (o.mode == MODE_REPORT)
		return run_report(paths, n, &o);
	return run_ui(paths, n, &o);
}
