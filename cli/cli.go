// Package cli implements migrate-guard's command line: one file per command.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/migrate-guard/migrate-guard/action"
)

// Version is the release version, set at build time with
// -ldflags "-X github.com/migrate-guard/migrate-guard/cli.Version=v1.2.3".
var Version = "dev"

// Exit codes shared by every command.
const (
	ExitOK       = 0 // nothing at or above the fail threshold
	ExitFindings = 1 // findings at or above the threshold (or a failed deploy)
	ExitUsage    = 2 // bad usage, bad config, unreadable input
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"lint", "check migrations for locks, rewrites, data loss and failures", runLint},
		{"deploy", "apply pending migrations, compatible with prisma migrate deploy", runDeploy},
		{"status", "show applied, pending and failed migrations", runStatus},
		{"resolve", "mark a migration as applied or rolled back", runResolve},
		{"stats", "snapshot production table sizes for lint --stats, or calibrate a server's speeds", runStats},
		{"rules", "list the rules, or print one rule's documentation", runRules},
		{"version", "print the version", runVersion},
	}
}

// Main runs the command line and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 && actionMode() {
		return action.Main(Version, os.Getenv, stdout)
	}
	if len(args) == 0 {
		usage(stderr)
		return ExitUsage
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		return ExitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "migrate-guard: unknown command %q (run `migrate-guard --help`)\n", args[0])
	return ExitUsage
}

// actionMode reports a run as the GitHub Action's container entrypoint:
// GITHUB_ACTIONS=true and the action's inputs set (the runner always passes
// INPUT_COMMAND, which has a default), so a bare `migrate-guard` typed in a
// workflow's run step still prints the usage.
func actionMode() bool {
	_, inputs := os.LookupEnv("INPUT_COMMAND")
	return os.Getenv("GITHUB_ACTIONS") == "true" && inputs
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "migrate-guard makes PostgreSQL schema migrations safe to ship.")
	fmt.Fprintln(w, "\nUsage: migrate-guard <command> [flags] [paths]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `migrate-guard <command> --help` for a command's flags.")
}

// flagSet is a command's flags. Parsing never exits the process: errors go
// to stderr, and the usage asked for with -h or --help goes to stdout.
type flagSet struct {
	*flag.FlagSet
	synopsis       string
	stdout, stderr io.Writer
}

// newFlags returns the flag set of a command; synopsis follows
// "migrate-guard" in its usage.
func newFlags(name, synopsis string, stdout, stderr io.Writer) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), synopsis: synopsis, stdout: stdout, stderr: stderr}
	fs.SetOutput(stderr)
	fs.Usage = func() {} // parseFlags prints it, where it belongs
	return fs
}

// usage prints the command's synopsis and flags to w.
func (fs *flagSet) usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: migrate-guard %s\n", fs.synopsis)
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprintf(w, "\nFlags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(fs.stderr)
	}
}

// parseFlags parses args and returns the exit code to stop with, or -1 to go
// on. Flags may follow paths, as in `lint prisma/migrations --format json`;
// after `--` every argument is a path.
func parseFlags(fs *flagSet, args []string) ([]string, int) {
	var paths []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.usage(fs.stdout)
				return nil, ExitOK
			}
			fs.usage(fs.stderr)
			return nil, ExitUsage
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(paths, rest...), -1
		}
		if len(rest) == 0 {
			return paths, -1
		}
		paths = append(paths, rest[0])
		args = rest[1:]
	}
}

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runVersion(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("version", "version", stdout, stderr)
	extra, code := parseFlags(fs, args)
	if code >= 0 {
		return code
	}
	if len(extra) > 0 {
		fmt.Fprintf(stderr, "migrate-guard: version takes no arguments, got %q\n", extra[0])
		return ExitUsage
	}
	fmt.Fprintln(stdout, "migrate-guard", Version)
	return ExitOK
}
