package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// DropSchema flags DROP SCHEMA of a schema that holds tables, or of any
// schema with CASCADE.
var DropSchema = register(&analysis.Rule{
	ID:       "drop-schema",
	Severity: analysis.Error,
	Summary:  "DROP SCHEMA of a schema holding tables, or with CASCADE",
	Doc: "DROP SCHEMA ... CASCADE drops every object in the schema: all its tables with their data, views, " +
		"functions, types and sequences, and the foreign keys of other schemas' tables that reference them. Only a " +
		"backup brings them back, and every query of the running code that touches them fails with 42P01. Without " +
		"CASCADE, a schema that still holds a table cannot be dropped: the migration fails with SQLSTATE 2BP01. " +
		"A schema created in the same migration, and an empty one dropped without CASCADE, are not reported.",
	Bad: `DROP SCHEMA "public" CASCADE;`,
	Good: `-- The schema of a feature removed in an earlier release, already emptied:
DROP SCHEMA IF EXISTS "reporting";`,
	Run: runDropSchema,
})

func runDropSchema(p *analysis.Pass) {
	s := p.Stmt.Node.GetDropStmt()
	if s == nil || s.RemoveType != pg.ObjectType_OBJECT_SCHEMA {
		return
	}
	cascade := s.Behavior == pg.DropBehavior_DROP_CASCADE
	for _, obj := range s.Objects {
		schema := obj.GetString_().GetSval()
		if createdSchema(p, schema) {
			continue
		}
		tables := tablesInSchema(p.Schema, schema)
		switch {
		case cascade:
			held := "everything in it"
			if len(tables) > 0 {
				held = "its tables " + joinNames(tables) + " with all their rows, and everything else in it"
			}
			p.ReportStmt(analysis.Report{
				Message: fmt.Sprintf("DROP SCHEMA %s CASCADE drops %s (views, functions, types, sequences, foreign keys "+
					"referencing them) for good, and running code that uses them fails with 42P01", sqltext.Ident(schema), held),
				Help: "Drop what must go explicitly, one object at a time, each reviewed (see drop-table), and drop the emptied " +
					"schema without CASCADE: an object you forgot then makes the migration fail (2BP01) instead of " +
					"disappearing. " + prismaEdit,
				Fix: dropSchemaFix(p, s.MissingOk, schema, tables),
			})
		case len(tables) > 0:
			p.ReportStmt(analysis.Report{
				Message: fmt.Sprintf("DROP SCHEMA %s fails with 2BP01 (cannot drop schema because other objects depend "+
					"on it): it still holds %s", sqltext.Ident(schema), joinNames(tables)),
				Help: "Drop or move the schema's objects in earlier statements first (each reviewed: dropping a table loses its " +
					"data), then drop the empty schema. " + prismaEdit,
				Fix: dropSchemaFix(p, s.MissingOk, schema, tables),
			})
		}
	}
}

// createdSchema reports whether an earlier statement of the file created
// the schema.
func createdSchema(p *analysis.Pass, schema string) bool {
	for _, st := range p.File.Stmts[:p.Stmt.Index] {
		if c := st.Node.GetCreateSchemaStmt(); c != nil && c.Schemaname == schema {
			return true
		}
	}
	return false
}

// dropSchemaFix drops the schema's tables, then its enum types, one by one,
// then the emptied schema, keeping the statement's IF EXISTS.
func dropSchemaFix(p *analysis.Pass, missingOk bool, schema string, tables []catalog.Name) string {
	fix := setLockTimeout(p)
	for _, t := range tables {
		fix += fmt.Sprintf("DROP TABLE %s; -- only once no code uses it: its rows are lost\n", t)
	}
	for _, e := range p.Schema.EnumList() {
		if e.Name.Schema == schema {
			fix += fmt.Sprintf("DROP TYPE %s;\n", e.Name)
		}
	}
	return fix + fmt.Sprintf("DROP SCHEMA %s%s;", ifExists(missingOk), sqltext.Ident(schema))
}
