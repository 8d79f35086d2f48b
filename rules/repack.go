package rules

import (
	"strings"

	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// The pg_repack fix that the rules of table rewrites offer.

// repackFix is the advice for rewriting tables outside migrations, with
// pg_repack (or pg_squeeze), which take their ACCESS EXCLUSIVE lock only for
// a moment at the start and the end. Nil tables means all of them; an
// empty list leaves the target to the caller.
func repackFix(tables []catalog.Name, note string) string {
	target := " --all"
	if tables != nil {
		target = ""
		for _, t := range tables {
			target += " --table=" + shellQuote(sqltext.Ident(t.Schema)+"."+sqltext.Ident(t.Name))
		}
	}
	return "-- Not in a migration: rebuild online with pg_repack, which holds ACCESS EXCLUSIVE only for a moment at the\n" +
		"-- start and the end (or with the pg_squeeze extension):\n" + note +
		"--   pg_repack --dbname=\"$DATABASE_URL\"" + target
}

// shellQuote quotes a word for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
