// Command migrate-guard makes PostgreSQL schema migrations safe to ship: it
// lints Prisma (and plain SQL) migrations with PostgreSQL's own parser and
// deploys them the way `prisma migrate deploy` does, but safer.
package main

import (
	"os"
	"runtime/debug"

	"github.com/migrate-guard/migrate-guard/cli"
)

// gcPercent trades memory for time: a run lives for a second or two and
// allocates short-lived syntax trees, so collecting a quarter as often cuts
// its CPU time by about a tenth for a few tens of MB more at its peak
// (bench/README.md). GOGC, when set, decides instead.
const gcPercent = 400

func main() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
