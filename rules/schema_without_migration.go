package rules

import (
	"fmt"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/compat"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// SchemaWithoutMigration is reported by the engine, on schema.prisma, for a
// model, field or enum value of the pull request's schema that the replayed
// migration history does not create.
var SchemaWithoutMigration = register(&analysis.Rule{
	ID:       "schema-without-migration",
	Severity: analysis.Error,
	Summary:  "schema.prisma maps what no migration creates",
	Doc: "When schema.prisma gains a model, field or enum value (or changes a field's type) and no migration makes " +
		"the database match, the new release's Prisma Client queries what does not exist: 42P01 or 42703 on every " +
		"query of the model, 22P02 on writes of the value, type errors on reads and writes. This is what " +
		"`prisma migrate diff --exit-code` finds against a database, checked offline: the pull request's schema is " +
		"compared with the schema replayed from the whole migration history. A column, table or value the history has " +
		"and the schema does not map is fine (expand-contract keeps such columns a release longer). The check runs " +
		"when release compatibility is checked (`lint --base-schema` or `--base-ref`, or the action on a pull request), " +
		"with the schema found beside the migrations or given with `--schema`. " + expandContractDoc,
})

// MissingMigration says what the history does not create.
func MissingMigration(p compat.Problem) string {
	switch {
	case p.View && p.Kind == compat.MissingTable:
		return fmt.Sprintf("view %s maps %s, which no migration creates as a view or table: every query of the view fails with 42P01 "+
			"\"relation does not exist\"", p.Model, p.Table)
	case p.View && p.Kind == compat.MissingColumn:
		return fmt.Sprintf("field %s maps column %s of view %s, which the view the migrations create does not have: every query "+
			"of view %s fails with 42703 \"column does not exist\"", fieldName(p), sqltext.Ident(p.Column), p.Table, p.Model)
	}
	switch p.Kind {
	case compat.MissingTable:
		return fmt.Sprintf("model %s maps table %s, which no migration creates: every query of the model fails with 42P01 "+
			"\"relation does not exist\"", p.Model, p.Table)
	case compat.MissingColumn:
		return fmt.Sprintf("field %s maps column %s of %s, which no migration creates: every query of model %s fails with "+
			"42703 \"column does not exist\"", fieldName(p), sqltext.Ident(p.Column), p.Table, p.Model)
	case compat.MissingEnum:
		return fmt.Sprintf("enum %s maps type %s, which no migration creates", p.Model, p.Table)
	case compat.MissingValue:
		return fmt.Sprintf("value %s of enum %s is '%s' in the database, which no migration adds to %s: writes of it fail "+
			"with 22P02 \"invalid input value for enum\"", p.Field, p.Model, p.Column, p.Table)
	}
	return fmt.Sprintf("field %s is %s in schema.prisma but the migrations make column %s of %s %s", fieldName(p), p.Want,
		sqltext.Ident(p.Column), p.Table, p.Got)
}
