package cli

import (
	"fmt"
	"io"
)

// The deploy, status and resolve commands are wired now so scripts and
// `--help` see the final command set; their implementation is tracked in its
// own issue.
func runDeploy(args []string, stdout, stderr io.Writer) int {
	return notYet("deploy", "deploy [flags] [migrations-dir]", args, stderr)
}

func runStatus(args []string, stdout, stderr io.Writer) int {
	return notYet("status", "status [flags] [migrations-dir]", args, stderr)
}

func runResolve(args []string, stdout, stderr io.Writer) int {
	return notYet("resolve", "resolve (--applied | --rolled-back) NAME [flags]", args, stderr)
}

func notYet(name, synopsis string, args []string, stderr io.Writer) int {
	fs := newFlags(name, synopsis, stderr)
	fs.String("database-url", "", "PostgreSQL URL (default $DATABASE_URL)")
	if _, code := parseFlags(fs, args); code >= 0 {
		return code
	}
	fmt.Fprintf(stderr, "migrate-guard: %s is not available in this build yet\n", name)
	return ExitUsage
}
