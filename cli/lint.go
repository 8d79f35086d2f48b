package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/migrations"
	"github.com/migrate-guard/migrate-guard/report"
)

// defaultMigrations is where Prisma keeps migrations.
const defaultMigrations = "prisma/migrations"

func runLint(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("lint", "lint [flags] [migrations-dir | migration.sql | file.sql ...]", stdout, stderr)
	format := fs.String("format", "text", "output format: text or json")
	configPath := fs.String("config", "", "configuration file (default: "+lint.ConfigFile+" found from the current directory upward)")
	pgVersion := fs.Int("pg-version", 0, "target PostgreSQL major version (default 15)")
	failOn := fs.String("fail-on", "", "lowest severity that fails the run: error, warning, notice or never (default warning)")
	deployedBy := fs.String("deployed-by", "", "what deploys the migrations: migrate-guard, prisma, prisma@<version> or other (default: the Prisma version in package.json)")
	maxLockTimeout := fs.String("max-lock-timeout", "", "longest lock_timeout a migration may set, in PostgreSQL's units (default 10s)")
	statsPath := fs.String("stats", "", "stats file from `migrate-guard stats`: size lock findings and estimate blocking time")
	smallTable := fs.String("small-table", "", "with --stats, estimated blocking time under which a lock finding is a notice (default 1s)")
	largeTable := fs.String("large-table", "", "with --stats, estimated blocking time over which a lock finding is an error (default 1min)")
	var rel lint.ReleaseOptions
	fs.StringVar(&rel.BaseSchema, "base-schema", "", "schema.prisma (file or folder) of the release running in production: check that it survives the migrations")
	fs.StringVar(&rel.BaseRef, "base-ref", "", "git commit whose schema.prisma is the running release's (like --base-schema)")
	fs.StringVar(&rel.Schema, "schema", "", "the pull request's schema.prisma (default: found beside the migrations; read with --base-schema or --base-ref)")
	deployOrder := fs.String("deploy-order", "", "migrate-first (the migrations run before the new release) or code-first (default migrate-first)")
	var ruleFlags multiFlag
	fs.Var(&ruleFlags, "rule", "set a rule's severity, as id=error|warning|notice|off (repeatable)")
	paths, code := parseFlags(fs, args)
	if code >= 0 {
		return code
	}
	cfg, err := loadConfig(*configPath)
	if err == nil {
		err = applyLintFlags(cfg, *pgVersion, *failOn, ruleFlags)
	}
	if err == nil {
		err = applyTimeoutFlags(cfg, *deployedBy, *maxLockTimeout)
	}
	if err == nil {
		err = applyStatsFlags(cfg, *statsPath, *smallTable, *largeTable)
	}
	if err == nil && *deployOrder != "" {
		if err = cfg.SetDeployOrder(*deployOrder); err != nil {
			err = fmt.Errorf("--deploy-order: %w", err)
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
	if len(paths) == 0 {
		paths = defaultPaths(cfg)
	}
	if len(paths) == 0 {
		fmt.Fprintf(stderr, "migrate-guard: no migrations to lint: name a directory or file, or run where %s exists\n", defaultMigrations)
		return ExitUsage
	}
	sets, err := migrations.Discover(paths)
	if err == nil {
		rel.Migrations = paths
		cfg.Release, err = lint.LoadRelease(rel)
	}
	if err == nil && cfg.DeployOrder == lint.DeployCodeFirst && cfg.Release != nil && cfg.Release.Head == nil && len(cfg.Release.Errors) == 0 {
		err = fmt.Errorf("deploy-order = %q checks the pull request's schema.prisma, and none was found beside the migrations: name it with --schema", lint.DeployCodeFirst)
	}
	if err != nil {
		fmt.Fprintln(stderr, "migrate-guard:", err)
		return ExitUsage
	}
	res, err := lint.Run(sets, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "migrate-guard:", err)
		return ExitUsage
	}
	if *format == "json" {
		err = report.JSON(stdout, res)
	} else {
		err = report.Text(stdout, res, useColor(stdout))
	}
	if err != nil {
		fmt.Fprintln(stderr, "migrate-guard:", err)
		return ExitUsage
	}
	if res.Failed(cfg) {
		return ExitFindings
	}
	return ExitOK
}

func loadConfig(path string) (*lint.Config, error) {
	if path == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		if path = lint.FindConfig(wd); path == "" {
			return lint.DefaultConfig(), nil
		}
		if rel, err := filepath.Rel(wd, path); err == nil {
			path = rel // its migrations dirs then show relative to wd, as users name paths
		}
	}
	return lint.LoadConfig(path)
}

func applyLintFlags(cfg *lint.Config, pgVersion int, failOn string, ruleFlags []string) error {
	if pgVersion != 0 {
		if err := cfg.SetPGVersion(pgVersion); err != nil {
			return fmt.Errorf("--pg-version: %w", err)
		}
	}
	if failOn != "" {
		if err := cfg.SetFailOn(failOn); err != nil {
			return fmt.Errorf("--fail-on: %w", err)
		}
	}
	for _, r := range ruleFlags {
		id, sev, ok := strings.Cut(r, "=")
		if !ok {
			return fmt.Errorf("--rule %q: want id=severity", r)
		}
		if err := cfg.SetRule(id, sev); err != nil {
			return fmt.Errorf("--rule %s: %w", id, err)
		}
	}
	return nil
}

// applyTimeoutFlags applies --deployed-by and --max-lock-timeout over the
// configuration file.
func applyTimeoutFlags(cfg *lint.Config, deployedBy, maxLockTimeout string) error {
	if deployedBy != "" {
		if err := cfg.SetDeployedBy(deployedBy, "--deployed-by"); err != nil {
			return fmt.Errorf("--deployed-by: %w", err)
		}
	}
	if maxLockTimeout != "" {
		if err := cfg.SetMaxLockTimeout(maxLockTimeout); err != nil {
			return fmt.Errorf("--max-lock-timeout: %w", err)
		}
	}
	return nil
}

func defaultPaths(cfg *lint.Config) []string {
	if len(cfg.Migrations) > 0 {
		return cfg.Migrations
	}
	if _, err := os.Stat(defaultMigrations); err == nil {
		return []string{defaultMigrations}
	}
	return nil
}

// useColor reports whether to colour output: only on a terminal, and never
// when NO_COLOR is set to a non-empty value (https://no-color.org).
func useColor(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// applyStatsFlags applies --stats, --small-table and --large-table over the
// configuration file.
func applyStatsFlags(cfg *lint.Config, path, small, large string) error {
	if path != "" {
		if err := cfg.LoadStats(path); err != nil {
			return fmt.Errorf("--stats: %w", err)
		}
	}
	if small != "" {
		if err := cfg.SetSmallTable(small); err != nil {
			return fmt.Errorf("--small-table: %w", err)
		}
	}
	if large != "" {
		if err := cfg.SetLargeTable(large); err != nil {
			return fmt.Errorf("--large-table: %w", err)
		}
	}
	return nil
}
