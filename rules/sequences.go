// The sequence behind a serial or identity column, and the fix that moves
// a column onto one.

package rules

import (
	"fmt"

	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	pg "github.com/pganalyze/pg_query_go/v6"
)

// sequenceColumnFix adds a serial or identity column as a plain nullable
// integer with its own sequence as the default for new rows, then numbers the
// existing rows in batches and restores NOT NULL and keys.
func sequenceColumnFix(t catalog.Name, d *pg.ColumnDef) string {
	plain, keys := plainColumn(d)
	addColumn, ok := deparseAddColumn(t, plain)
	typ, typOK := deparseType(plain.TypeName)
	if !ok || !typOK {
		return ""
	}
	seq := columnSequence(t, d.Colname)
	def := fmt.Sprintf("nextval(%s)", sqltext.Literal(seq.String()))
	return fmt.Sprintf("-- Migration 1: add the column, its sequence and the default for new rows; no row is touched.\n"+
		"%s;\nCREATE SEQUENCE %s AS %s OWNED BY %s.%s;\n", addColumn, seq, typ, t, sqltext.Ident(d.Colname)) +
		backfillSteps(t, d, def, keys)
}

// columnSequence is the name PostgreSQL gives a column's sequence.
func columnSequence(t catalog.Name, col string) catalog.Name {
	return catalog.Name{Schema: t.Schema, Name: t.Name + "_" + col + "_seq"}
}
