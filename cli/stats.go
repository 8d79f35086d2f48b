package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/migrate-guard/migrate-guard/stats"
)

func runStats(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "calibrate" {
		return runCalibrate(args[1:], stdout, stderr)
	}
	fs := newFlags("stats", "stats [--database-url URL] [-o FILE] | stats calibrate --database-url SCRATCH -o FILE", stdout, stderr)
	dbURL := fs.String("database-url", "", "PostgreSQL URL of production or a replica; read only (default $DATABASE_URL)")
	out := fs.String("o", "", "write the snapshot to FILE, keeping its calibrated throughputs (default: standard output)")
	rest, code := parseFlags(fs, args)
	if code >= 0 {
		return code
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "migrate-guard: stats takes no arguments, got %q (did you mean `stats calibrate`?)\n", rest[0])
		return ExitUsage
	}
	if *dbURL == "" {
		*dbURL = os.Getenv("DATABASE_URL")
	}
	ctx, stop := signalContext()
	defer stop()
	f, err := stats.Snapshot(ctx, *dbURL)
	if err != nil {
		return fail(stderr, err)
	}
	if *out == "" {
		data, err := f.Marshal()
		if err == nil {
			_, err = stdout.Write(data)
		}
		if err != nil {
			return fail(stderr, err)
		}
		return ExitOK
	}
	if old, err := readStats(*out); err != nil {
		return fail(stderr, err)
	} else if old != nil {
		f.Throughputs = old.Throughputs
	}
	if err := f.Save(*out); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "%s: %d tables of %s (PostgreSQL %s)\n", *out, len(f.Tables), f.Database, f.ServerVersion)
	return ExitOK
}

func runCalibrate(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("stats calibrate", "stats calibrate --database-url SCRATCH -o FILE [--rows N]", stdout, stderr)
	dbURL := fs.String("database-url", "", "PostgreSQL URL of a scratch server like production (never production: it writes); required")
	out := fs.String("o", "", "stats file to store the throughputs in (created when missing); required")
	rows := fs.Int64("rows", 1_000_000, "rows of the narrow calibration table (the wide one gets a third)")
	rest, code := parseFlags(fs, args)
	if code >= 0 {
		return code
	}
	if len(rest) > 0 || *dbURL == "" || *out == "" {
		fmt.Fprintln(stderr, "migrate-guard: stats calibrate needs --database-url of a scratch server and -o FILE, and no arguments")
		return ExitUsage
	}
	f, err := readStats(*out)
	if err != nil {
		return fail(stderr, err)
	}
	if f == nil {
		f = &stats.File{Version: stats.Version}
	}
	ctx, stop := signalContext()
	defer stop()
	conn, err := stats.Connect(ctx, *dbURL)
	if err != nil {
		return fail(stderr, err)
	}
	defer conn.Close(context.Background())
	t, err := stats.Calibrate(ctx, conn, stats.CalibrateOptions{Rows: *rows,
		Progress: func(s string) { fmt.Fprintln(stderr, "migrate-guard: calibrate:", s) }})
	if err != nil {
		return fail(stderr, fmt.Errorf("calibrate: %w", err))
	}
	f.Throughputs = t
	if err := f.Save(*out); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "%s: throughputs of PostgreSQL %s stored\n", *out, t.Server)
	return ExitOK
}

// readStats reads an existing stats file, or returns nil when there is none.
func readStats(path string) (*stats.File, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return stats.Load(path)
}
