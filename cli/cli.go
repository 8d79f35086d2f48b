// Package cli implements migrate-guard's command line: one file per command.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
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
		{"rules", "list the rules, or print one rule's documentation", runRules},
		{"version", "print the version", runVersion},
	}
}

// Main runs the command line and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return ExitUsage
		}
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

func usage(w io.Writer) {
	fmt.Fprintln(w, "migrate-guard makes PostgreSQL schema migrations safe to ship.")
	fmt.Fprintln(w, "\nUsage: migrate-guard <command> [flags] [paths]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `migrate-guard <command> --help` for a command's flags.")
}

// newFlags returns a flag set whose errors and help go to stderr and do not
// exit the process.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: migrate-guard %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args and returns the exit code to stop with, or -1 to go
// on. Flags may follow paths, as in `lint prisma/migrations --format json`.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, int) {
	var paths []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, ExitOK
			}
			return nil, ExitUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return paths, -1
		}
		paths = append(paths, args[0])
		args = args[1:]
	}
}

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runVersion(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stdout, "migrate-guard", Version)
	return ExitOK
}
