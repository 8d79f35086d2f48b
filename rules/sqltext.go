package rules

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// insertAfter returns the source text of sp with " "+words inserted right
// after its first token of kind tok, keeping everything else verbatim (names,
// IF NOT EXISTS, comments), so a fix reads like the user's own statement. It
// returns false when sp holds no such token.
func insertAfter(f *sqlfile.File, sp sqlfile.Span, tok pg.Token, words string) (string, bool) {
	for _, t := range f.Tokens(sp.Start, sp.End) {
		if t.Token == tok {
			at := int(t.End)
			return f.Src[sp.Start:at] + " " + words + f.Src[at:sp.End], true
		}
	}
	return "", false
}

// ownMigration explains why a CONCURRENTLY statement needs a migration file
// to itself.
const ownMigration = "Put it alone in a migration of its own: Prisma runs a migration.sql holding several statements " +
	"as one transaction, and CONCURRENTLY fails there with SQLSTATE 25001 (one statement per file works with " +
	"every Prisma version and with `migrate-guard deploy`). "
