package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/migrate-guard/migrate-guard/migrations"
	"github.com/migrate-guard/migrate-guard/shadow"
	"github.com/migrate-guard/migrate-guard/trace"
)

func runTrace(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("trace", "trace [flags] [migrations-dir | migration.sql ...]", stdout, stderr)
	shadowURL := fs.String("shadow-url", "", "PostgreSQL server to create the temporary shadow database on (default $"+shadow.EnvURL+
		"; without either, a throwaway cluster from the installed server binaries)")
	rows := fs.Int("rows", trace.DefaultRows, "synthetic rows per table (for tables the stats file does not know)")
	statsPath := fs.String("stats", "", "stats file from `migrate-guard stats`: each table it knows gets production's row count (default: the config's stats)")
	maxRows := fs.Int("max-rows", trace.DefaultMaxRows, "with stats, the most rows a table gets")
	maxLockMS := fs.Int("max-lock-ms", int(trace.DefaultMaxLock/time.Millisecond), "longest a lock blocking reads or writes may be held on a table with rows, in milliseconds")
	keepGoing := fs.Bool("keep-going", false, "after a migration fails, empty the tables, replay it and trace the later ones too")
	format := fs.String("format", "text", "output format: text or json")
	configPath := fs.String("config", "", "configuration file (default: migrate-guard.toml found from the current directory upward)")
	pgVersion := fs.Int("pg-version", 0, "target PostgreSQL major version, for the static rules (default 15)")
	failOn := fs.String("fail-on", "", "lowest severity that fails the run: error, warning, notice or never (default warning)")
	deployedBy := fs.String("deployed-by", "", "what deploys the migrations, and so how files are run: migrate-guard, prisma or other")
	var ruleFlags multiFlag
	fs.Var(&ruleFlags, "rule", "set a static rule's severity, as id=error|warning|notice|off (repeatable)")
	paths, code := parseFlags(fs, args)
	if code >= 0 {
		return code
	}
	cfg, err := loadConfig(*configPath)
	if err == nil {
		err = applyLintFlags(cfg, *pgVersion, *failOn, ruleFlags)
	}
	if err == nil {
		err = applyTimeoutFlags(cfg, *deployedBy, "")
	}
	if err == nil && *statsPath != "" {
		if err = cfg.LoadStats(*statsPath); err != nil {
			err = fmt.Errorf("--stats: %w", err)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "migrate-guard:", err)
		return ExitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "migrate-guard: --format %q: want text or json\n", *format)
		return ExitUsage
	}
	if *rows <= 0 || *maxLockMS <= 0 || *maxRows <= 0 {
		fmt.Fprintln(stderr, "migrate-guard: --rows, --max-rows and --max-lock-ms must be positive")
		return ExitUsage
	}
	if len(paths) == 0 {
		paths = defaultPaths(cfg)
	}
	if len(paths) == 0 {
		fmt.Fprintf(stderr, "migrate-guard: no migrations to trace: name a directory or file, or run where %s exists\n", defaultMigrations)
		return ExitUsage
	}
	sets, err := migrations.Discover(paths)
	if err != nil {
		fmt.Fprintln(stderr, "migrate-guard:", err)
		return ExitUsage
	}
	ctx, stop := signalContext()
	defer stop()
	db, err := shadow.Open(ctx, shadow.Options{URL: *shadowURL})
	if err != nil {
		fmt.Fprintln(stderr, "migrate-guard:", err)
		return ExitUsage
	}
	res, err := trace.Run(ctx, sets, trace.Options{URL: db.URL(), Rows: *rows, MaxLock: time.Duration(*maxLockMS) * time.Millisecond,
		Config: cfg, KeepGoing: *keepGoing, Stats: cfg.Stats, MaxRows: *maxRows})
	if cerr := db.Close(); cerr != nil && err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintln(stderr, "migrate-guard:", err)
		return ExitUsage
	}
	if *format == "json" {
		err = trace.JSON(stdout, res)
	} else {
		err = trace.Text(stdout, res, useColor(stdout))
	}
	if err != nil {
		fmt.Fprintln(stderr, "migrate-guard:", err)
		return ExitUsage
	}
	if trace.LintResult(res).Failed(cfg) {
		return ExitFindings
	}
	return ExitOK
}
