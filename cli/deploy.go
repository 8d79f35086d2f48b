package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/migrate-guard/migrate-guard/deploy"
)

// dbFlags registers the flags deploy, status and resolve share.
func dbFlags(fs *flagSet, o *deploy.Options) {
	fs.StringVar(&o.DatabaseURL, "database-url", "", "PostgreSQL URL; Prisma's ?schema= is understood (default $DATABASE_URL)")
	fs.DurationVar(&o.LockWait, "lock-wait", o.LockWait, "how long to wait for another deploy's migration lock")
}

func runDeploy(args []string, stdout, stderr io.Writer) int {
	o := deploy.DefaultOptions()
	fs := newFlags("deploy", "deploy [flags] [migrations-dir]", stdout, stderr)
	dbFlags(fs, o)
	fs.DurationVar(&o.LockTimeout, "lock-timeout", o.LockTimeout, "lock_timeout for each migration's statements")
	fs.DurationVar(&o.ConcurrentLockTimeout, "concurrent-lock-timeout", o.ConcurrentLockTimeout, "lock_timeout for statements that cannot run in a transaction (CREATE INDEX CONCURRENTLY...); it also bounds their wait for older transactions, which blocks no query")
	fs.DurationVar(&o.StatementTimeout, "statement-timeout", 0, "statement_timeout for each migration's statements (default none)")
	fs.IntVar(&o.Retries, "retries", o.Retries, "retries of a migration that hit the lock timeout or a deadlock")
	fs.BoolVar(&o.DryRun, "dry-run", false, "say what would be applied; change nothing")
	if code := parseDB(fs, args, o, stderr); code >= 0 {
		return code
	}
	o.Out = stdout
	ctx, stop := signalContext()
	defer stop()
	sum, err := deploy.Deploy(ctx, o)
	if err != nil {
		return fail(stderr, err)
	}
	if o.DryRun {
		fmt.Fprintf(stdout, "%s: %d pending, %d already applied (dry run, nothing changed)\n", sum.Target, len(sum.Pending), sum.Skipped)
		return ExitOK
	}
	fmt.Fprintf(stdout, "%s: applied %d, already applied %d, took %s\n", sum.Target, len(sum.Applied), sum.Skipped, sum.Took.Round(time.Millisecond))
	return ExitOK
}

func runStatus(args []string, stdout, stderr io.Writer) int {
	o := deploy.DefaultOptions()
	fs := newFlags("status", "status [flags] [migrations-dir]", stdout, stderr)
	dbFlags(fs, o)
	format := fs.String("format", "text", "output format: text or json")
	if code := parseDB(fs, args, o, stderr); code >= 0 {
		return code
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "migrate-guard: --format %q: want text or json\n", *format)
		return ExitUsage
	}
	ctx, stop := signalContext()
	defer stop()
	rep, err := deploy.Status(ctx, o)
	if err != nil {
		return fail(stderr, err)
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	} else {
		printStatus(stdout, rep)
	}
	if !rep.Clean() {
		return ExitFindings
	}
	return ExitOK
}

func printStatus(w io.Writer, rep *deploy.StatusReport) {
	fmt.Fprintf(w, "%s\n", rep.Target)
	counts := map[string]int{}
	for _, m := range rep.Migrations {
		counts[m.State]++
		fmt.Fprintf(w, "  %-12s %s\n", m.State, m.Name)
		if m.Progress != "" {
			fmt.Fprintf(w, "               %s\n", m.Progress)
		}
	}
	for _, ix := range rep.InvalidIndexes {
		fmt.Fprintf(w, "  invalid index %s: left by a failed or interrupted concurrent build; PostgreSQL maintains it but never uses it (DROP INDEX CONCURRENTLY %s)\n", ix, ix)
	}
	fmt.Fprintf(w, "%d migrations: %d applied, %d pending, %d failed, %d rolled back, %d modified, %d missing from disk\n",
		len(rep.Migrations), counts[deploy.StateApplied], counts[deploy.StatePending], counts[deploy.StateFailed],
		counts[deploy.StateRolledBack], counts[deploy.StateModified], counts[deploy.StateMissing])
}

func runResolve(args []string, stdout, stderr io.Writer) int {
	o := deploy.DefaultOptions()
	fs := newFlags("resolve", "resolve (--applied NAME | --rolled-back NAME) [flags] [migrations-dir]", stdout, stderr)
	dbFlags(fs, o)
	applied := fs.String("applied", "", "record migration NAME as applied (finished by hand, or baselining)")
	rolledBack := fs.String("rolled-back", "", "record failed migration NAME as rolled back, so deploy applies it again")
	if code := parseDB(fs, args, o, stderr); code >= 0 {
		return code
	}
	if (*applied == "") == (*rolledBack == "") {
		fmt.Fprintln(stderr, "migrate-guard: resolve needs exactly one of --applied NAME or --rolled-back NAME")
		return ExitUsage
	}
	o.Out = stdout
	ctx, stop := signalContext()
	defer stop()
	name := *applied + *rolledBack
	if err := deploy.Resolve(ctx, o, name, *applied != ""); err != nil {
		return fail(stderr, err)
	}
	return ExitOK
}

// parseDB parses the flags and the directory argument; it returns the exit
// code to stop with, or -1 to go on.
func parseDB(fs *flagSet, args []string, o *deploy.Options, stderr io.Writer) int {
	paths, code := parseFlags(fs, args)
	if code >= 0 {
		return code
	}
	switch len(paths) {
	case 0:
	case 1:
		o.Dir = paths[0]
	default:
		fmt.Fprintf(stderr, "migrate-guard: %s takes one migrations directory, got %d\n", fs.Name(), len(paths))
		return ExitUsage
	}
	if o.DatabaseURL == "" {
		o.DatabaseURL = os.Getenv("DATABASE_URL")
	}
	return -1
}

// fail prints an error and picks the exit code: a failed migration or a
// refused deploy is 1, anything else (bad input, no connection) is 2.
func fail(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "migrate-guard:", err)
	var me *deploy.MigrationError
	var re *deploy.RefusedError
	var ie *deploy.InterruptedError
	if errors.As(err, &me) || errors.As(err, &re) || errors.As(err, &ie) {
		return ExitFindings
	}
	return ExitUsage
}

// signalContext is cancelled on SIGINT or SIGTERM: a deploy then cancels
// its running statement, records where it stopped, releases its lock and
// exits non-zero.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}
