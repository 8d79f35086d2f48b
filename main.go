// Command migrate-guard makes PostgreSQL schema migrations safe to ship: it
// lints Prisma (and plain SQL) migrations with PostgreSQL's own parser and
// deploys them the way `prisma migrate deploy` does, but safer.
package main

import (
	"os"

	"github.com/migrate-guard/migrate-guard/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
