/*
 * pcb.h: the types every stage of pycompile-batch shares.
 *
 * The data path is arguments (cli/: cli.c, inputs.c) -> file jobs
 * (engine/: jobs.c, loop.c, claimed in order by order.c) -> read+hash on
 * the libuv threadpool (pyc/source.c) -> compile through a backend
 * (backend/: subinterpreters or worker processes) -> --reproducible rewrite
 * (pyc/canonical.c) -> atomic write (os/write.c), the per-file part of it
 * in engine/pipeline.c -> messages in input order (cli/report.c).
 * A struct pcb_job carries one input file through all of it; the engine owns
 * the array of jobs and each stage owns the fields it fills.
 */
#ifndef PCB_H
#define PCB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Distinct optimization levels: -1, 0, 1, 2. */
#define PCB_MAX_LEVELS 4

/* Interpreters --python may name in one run. */
#define PCB_MAX_PYTHONS 16

/* py3compile's -X patterns one run may give. */
#define PCB_MAX_DEB_EXCLUDES 16

/* How a .pyc says whether it is still valid (SPEC 5; PEP 552). */
enum pcb_mode {
	PCB_MODE_DEFAULT = -1, /* checked-hash if SOURCE_DATE_EPOCH is set */
	PCB_MODE_TIMESTAMP = 0,
	PCB_MODE_UNCHECKED_HASH = 1,
	PCB_MODE_CHECKED_HASH = 3, /* the value of the header's flags word */
};

/* What happened to one input file. */
enum pcb_status {
	PCB_STATUS_PENDING = 0, /* not started (or stopped by --fail-fast) */
	PCB_STATUS_COMPILED,
	PCB_STATUS_FAILED,
	PCB_STATUS_SKIPPED, /* -u: every .pyc already valid */
};

/*
 * Whose command line and output: pycompile-batch's own, or, after a first
 * argument --compileall, "python -m compileall"'s (its options, and its
 * Listing/Compiling/error lines on standard output).
 */
enum pcb_dialect {
	PCB_DIALECT_OWN = 0,
	PCB_DIALECT_COMPILEALL,
	PCB_DIALECT_PY3COMPILE, /* after --py3compile: Debian's (debpython.c) */
};

/* Which existing .pyc files let a source be skipped. */
enum pcb_fresh_rule {
	PCB_FRESH_NONE = 0,   /* compile every file */
	PCB_FRESH_HEADER,     /* -u: the whole 16-byte header (fresh.c) */
	PCB_FRESH_COMPILEALL, /* compileall without -f: magic, flags 0, mtime */
};

/* --progress. */
enum pcb_progress {
	PCB_PROGRESS_AUTO = 0,
	PCB_PROGRESS_ALWAYS,
	PCB_PROGRESS_NEVER,
};

enum pcb_backend_kind {
	PCB_BACKEND_AUTO = 0,
	PCB_BACKEND_SUBINTERPRETERS,
	PCB_BACKEND_PROCESSES,
};

/* What the linked Python says about itself, asked once at start-up. */
struct pcb_runtime {
	char version[32]; /* "3.13.0" */
	char build[256];  /* sys.version whole: build date and compiler too */
	unsigned py_minor;
	uint32_t magic;       /* PyImport_GetMagicNumber() */
	char cache_tag[64];   /* sys.implementation.cache_tag */
	char *pycache_prefix; /* sys.pycache_prefix, or NULL (owned) */
	int optimize;         /* sys.flags.optimize */
	int own_gil;          /* built with PEP 684 subinterpreters */
};

/* One file to compile.  Borrowed for the length of the call. */
struct pcb_compile_req {
	const char *source; /* source bytes */
	size_t source_len;
	const char *filename; /* the name stored in the code (dfile or path) */
	const char *path;     /* the source as given, for messages of our own */
	int optimize;         /* -1, 0, 1, 2 */
	int new_file;         /* the file's first compile (interp.c) */
};

/* What a compile gave.  Every pointer is owned (free()) or NULL. */
struct pcb_compile_result {
	char *data; /* marshal bytes of the code object */
	size_t len;
	char *message;  /* py_compile's text for a failure */
	char *warnings; /* what the compiler printed, in order */
};

/* Frees what a runtime owns; accepts a zeroed one (result.c). */
void pcb_runtime_fini(struct pcb_runtime *rt);

/* Frees what a result owns and zeroes it; accepts a zeroed one. */
void pcb_compile_result_fini(struct pcb_compile_result *res);

/* Everything the command line decides; filled by cli.c, read-only after. */
struct pcb_options {
	unsigned jobs; /* worker count; 0 until resolved to online CPUs */
	int optimize;  /* -1 (interpreter's level), 0, 1, 2: levels[0] */
	int levels[PCB_MAX_LEVELS]; /* -o, sorted, duplicates dropped */
	size_t nlevels;             /* at least 1 */
	enum pcb_mode mode;         /* PCB_MODE_DEFAULT until resolved */
	enum pcb_dialect dialect;
	int quiet; /* -q given (own), or how often (compileall: -q, -qq) */
	int fail_fast;
	int reproducible; /* canonical marshal bytes (canonical.c) */
	int verbose;
	int null_list; /* -0: the stdin list is NUL-separated */
	int hardlink_dupes;
	int compile_every_level; /* never share a level's code (levels.h) */
	const char *cache_dir;   /* --cache, PYCOMPILE_BATCH_CACHE, or NULL */
	int cache_read_only;
	uint64_t cache_max_size;   /* bytes, 0 for no limit */
	int incremental;           /* -u */
	enum pcb_fresh_rule fresh; /* -u, or compileall's -f not given */
	int maxlevels;             /* directory depth (-l, -r) */
	int legacy;                /* -b: FILE.pyc beside the source */
	const char *limit_sl_dest; /* -e DIR, or NULL */
	const char *flist;         /* -i FILE or "-", or NULL */
	const char *ddir, *stripdir, *prependdir; /* -d, -s, -p (argv) */
	struct pcb_exclude *exclude;              /* -x, owned, or NULL */
	const char *report_path;                  /* --report, or NULL */
	enum pcb_progress progress;
	enum pcb_backend_kind backend;  /* --backend, PYCOMPILE_BATCH_BACKEND */
	double timeout;                 /* --timeout seconds, 0 for none */
	char *pythons[PCB_MAX_PYTHONS]; /* --python names, in order (owned) */
	/* py3compile's -p PKG, -V RANGE, -X REGEX (in order), -O. */
	const char *deb_package, *deb_vrange;
	const char *deb_excludes[PCB_MAX_DEB_EXCLUDES];
	size_t ndeb_excludes;
	int deb_optimize;
	size_t npythons; /* 0: the linked Python alone */
	char **inputs;   /* FILE and '-' arguments, borrowed from argv */
	size_t ninputs;
};

/*
 * One input file on its way to a .pyc.  Ownership: the engine allocates the
 * job and frees every pointer in it.  The stages run one after the other on
 * a job, handing it on through order.c's states (under its mutex), so no
 * field needs a lock of its own.  Each group of fields below names the
 * stage that writes it; the failure fields are set by the first stage that
 * fails, and later stages do nothing once they are set.
 */
struct pcb_job {
	/* Set by the engine before the run. */
	size_t index; /* position in the input list */
	char *path;   /* source path as given (owned) */
	char *dfile;  /* name given to compile(), or NULL for path (borrowed) */

	/* Filled by the read stage (loop.c's read_work, source.c). */
	char *cfiles[PCB_MAX_LEVELS]; /* target .pyc per level (owned) */
	size_t ncfiles;
	char *source; /* source bytes (owned, NUL-terminated) */
	size_t source_len;
	uint32_t mtime;  /* header mtime, CPython's rounding (pyc.c) */
	uint32_t size;   /* st_size & 0xFFFFFFFF */
	mode_t st_mode;  /* source mode, or 0 if it could not be stat'ed */
	dev_t dir_dev;   /* the source's directory, which holds __pycache__; */
	ino_t dir_ino;   /* both 0 if it could not be stat'ed */
	uint8_t hash[8]; /* SipHash of the source, for hash modes */

	/*
	 * The first stage that fails sets errnum to the negative errno it
	 * returns, and either message, the whole text, or, for an OS error,
	 * err_path (and err_path2), which the pipeline words at the end as
	 * Python's OSError (pcb_text_oserror) into message.
	 */
	int errnum;
	char *err_path;  /* owned */
	char *err_path2; /* owned; rename's second path */
	char *message;   /* final human text, py_compile's words (owned) */
	/*
	 * The Python exception a failure is when it is not py_compile's
	 * PyCompileError, as compileall names it ("PermissionError: ..."):
	 * an OSError subclass, or NULL for a compile error or our own words.
	 */
	const char *err_class;

	/* The pipeline (pipeline.c), which also frees source. */
	char *warnings; /* what the compiler warned, printed first (owned) */
	size_t levels_shared; /* levels written without a compile (levels.h) */
	size_t cache_hits;    /* levels served by --cache (cache.h) */
	size_t cache_misses;  /* levels compiled with --cache */
	size_t cache_bad;     /* bad entries met, compiled again */
	int compile_warned;   /* a level's compile warned (pipeline.c) */
	int needs_compiler;   /* to be run again once Python runs (jobs.c) */
	/* SKIPPED by the read stage (-u), else COMPILED or FAILED by the
	 * pipeline; PENDING when no worker took the job through it. */
	enum pcb_status status;
};

#endif /* PCB_H */
