package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/migrate-guard/migrate-guard/deploy"
	"github.com/migrate-guard/migrate-guard/drift"
	"github.com/migrate-guard/migrate-guard/lint"
)

// optionalValue is a flag that may stand alone or take a value with =.
type optionalValue struct {
	set   bool
	value string
}

func (o *optionalValue) String() string   { return o.value }
func (o *optionalValue) IsBoolFlag() bool { return true }
func (o *optionalValue) Set(v string) error {
	o.set = true
	if v != "true" {
		o.value = v
	}
	return nil
}

// driftFlags are the flags drift and deploy --check-drift share.
type driftFlags struct {
	shadowURL string
	comments  bool
	ignore    multiFlag
	config    string
}

func (f *driftFlags) register(fs *flagSet) {
	fs.StringVar(&f.shadowURL, "shadow-url", "", "server where a temporary shadow database may be created (default $SHADOW_DATABASE_URL, else a throwaway cluster from the installed PostgreSQL server binaries)")
	fs.BoolVar(&f.comments, "comments", false, "compare comments too (or comments = true under [drift] in migrate-guard.toml)")
	fs.Var(&f.ignore, "ignore", "leave table `SCHEMA.TABLE` out of the comparison (repeatable; or ignore = [...] under [drift])")
	fs.StringVar(&f.config, "config", "", "configuration file (default: migrate-guard.toml in the current directory or a parent)")
}

// options builds the drift check's options, with the configuration file's
// [drift] table.
func (f *driftFlags) options(o *deploy.Options) (*drift.Options, *lint.Config, error) {
	cfg, err := loadConfig(f.config)
	if err != nil {
		return nil, nil, err
	}
	exclude := map[string]bool{}
	for _, t := range append(cfg.Drift.Ignore, f.ignore...) {
		if !strings.Contains(t, ".") {
			t = "public." + t
		}
		exclude[t] = true
	}
	return &drift.Options{Dir: o.Dir, DatabaseURL: o.DatabaseURL, ShadowURL: f.shadowURL,
		Comments: f.comments || cfg.Drift.Comments, Exclude: exclude}, cfg, nil
}

func runDrift(args []string, stdout, stderr io.Writer) int {
	o := deploy.DefaultOptions()
	fs := newFlags("drift", "drift [flags] [--write-migration [NAME]] [migrations-dir]", stdout, stderr)
	fs.StringVar(&o.DatabaseURL, "database-url", "", "PostgreSQL URL of the database checked; Prisma's ?schema= is understood (default $DATABASE_URL)")
	var df driftFlags
	df.register(fs)
	format := fs.String("format", "text", "output format: text, json or markdown")
	var write optionalValue
	fs.Var(&write, "write-migration", "write the migrations that fold the drift back into the history, named `NAME` (default drift): --write-migration=NAME, or the argument after the flag when it is not a directory")
	paths, code := parseFlags(fs, args)
	if code >= 0 {
		return code
	}
	if write.set && write.value == "" && (len(paths) == 2 || len(paths) == 1 && !isDir(paths[0])) {
		write.value, paths = paths[0], paths[1:]
	}
	if len(paths) > 1 {
		fmt.Fprintf(stderr, "migrate-guard: drift takes one migrations directory, got %d\n", len(paths))
		return ExitUsage
	}
	if len(paths) == 1 {
		o.Dir = paths[0]
	}
	if o.DatabaseURL == "" {
		o.DatabaseURL = os.Getenv("DATABASE_URL")
	}
	if *format != "text" && *format != "json" && *format != "markdown" {
		fmt.Fprintf(stderr, "migrate-guard: --format %q: want text, json or markdown\n", *format)
		return ExitUsage
	}
	opts, cfg, err := df.options(o)
	if err != nil {
		fmt.Fprintln(stderr, "migrate-guard:", err)
		return ExitUsage
	}
	ctx, stop := signalContext()
	defer stop()
	rep, err := drift.Check(ctx, opts)
	if err != nil {
		fmt.Fprintln(stderr, "migrate-guard:", err)
		return ExitUsage
	}
	switch *format {
	case "json":
		_ = rep.WriteJSON(stdout)
	case "markdown":
		rep.WriteMarkdown(stdout)
	default:
		rep.WriteText(stdout)
	}
	if rep.Clean() {
		return ExitOK
	}
	if write.set {
		name := write.value
		if name == "" {
			name = "drift"
		}
		if code := writeDrift(rep, o.Dir, name, cfg, stderr); code != ExitOK {
			return code
		}
	}
	return ExitFindings
}

// writeDrift writes the reconciling migrations and says how to mark them
// applied; messages go to stderr so that stdout stays the report.
func writeDrift(rep *drift.Report, dir, name string, cfg *lint.Config, stderr io.Writer) int {
	w, err := drift.WriteMigrations(rep, dir, name, time.Now(), cfg)
	if err != nil {
		fmt.Fprintln(stderr, "migrate-guard: --write-migration:", err)
		return ExitUsage
	}
	for _, warn := range w.Warnings {
		fmt.Fprintln(stderr, "warning:", warn)
	}
	if len(w.Paths) == 0 {
		fmt.Fprintln(stderr, "nothing to write: the drift has no form a migration can reproduce (see the warnings)")
		return ExitOK
	}
	for _, p := range w.Paths {
		fmt.Fprintln(stderr, "wrote", p)
	}
	fmt.Fprintln(stderr, "\nThe database checked (and every other one that already has this hotfix) must not run them; mark them applied there:")
	for _, n := range w.Names {
		fmt.Fprintf(stderr, "  migrate-guard resolve --applied %s %s\n", n, dir)
	}
	return ExitOK
}

// checkDrift is deploy --check-drift: compare before applying anything, and
// refuse on drift unless allowed.
func checkDrift(df *driftFlags, o *deploy.Options, allow bool, stdout io.Writer) (func(context.Context) error, error) {
	opts, _, err := df.options(o)
	if err != nil {
		return nil, err
	}
	return drift.DeployHook(opts, allow, stdout), nil
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// errDriftUsage is --allow-drift without --check-drift.
var errDriftUsage = errors.New("--allow-drift needs --check-drift")
