package rules

import (
	"fmt"
	"strings"
	"unicode/utf8"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// IdentifierTooLong flags a name longer than 63 bytes given to a table,
// column, index, constraint or type, which PostgreSQL truncates silently.
var IdentifierTooLong = register(&analysis.Rule{
	ID:       "identifier-too-long",
	Severity: analysis.Warning,
	Summary:  "name longer than 63 bytes, which PostgreSQL truncates silently",
	Doc: "PostgreSQL keeps at most 63 bytes of an identifier (NAMEDATALEN - 1). A longer name is cut, with only a " +
		"NOTICE (42622) that migration tools do not show, so the object exists under another name than the one " +
		"written. Two long names that share their first 63 bytes then collide, and the second CREATE fails with " +
		"SQLSTATE 42P07 or 42701 - possibly only in production, where the other one exists. Prisma derives index, " +
		"key and foreign key names from table and column names, so long model and field names produce long " +
		"names, and a database name that differs from the one schema.prisma implies can make Prisma plan renames " +
		"or report drift.",
	Bad: `-- CreateTable
CREATE TABLE "SubscriptionBillingEvent" (
    "id" TEXT NOT NULL,
    "subscriptionId" TEXT NOT NULL,
    "billingPeriodStartsAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SubscriptionBillingEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SubscriptionBillingEvent_subscriptionId_billingPeriodStartsAt_key" ON "SubscriptionBillingEvent"("subscriptionId", "billingPeriodStartsAt");`,
	Good: `-- CreateTable
CREATE TABLE "SubscriptionBillingEvent" (
    "id" TEXT NOT NULL,
    "subscriptionId" TEXT NOT NULL,
    "billingPeriodStartsAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SubscriptionBillingEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SubscriptionBillingEvent_period_key" ON "SubscriptionBillingEvent"("subscriptionId", "billingPeriodStartsAt");`,
	Requires: []analysis.Result{alterCmdsResult},
	Run:      runIdentifierTooLong,
})

// namedObject is a name the current statement gives an object, as the
// parser left it (already truncated), and where to look for it as written.
type namedObject struct {
	kind, name string
	from, to   int // the byte range of the statement that holds it
	last       bool
	taken      string // the object already holding the truncated name, or ""
}

func runIdentifierTooLong(p *analysis.Pass) {
	seen := map[string]bool{} // kind and truncated name, for collisions within the statement
	for _, o := range namedObjects(p) {
		at, full, ok := writtenName(p.File, o)
		if !ok {
			continue
		}
		clash := ""
		switch key := o.kind + "\x00" + o.name; {
		case o.taken != "":
			clash = fmt.Sprintf("; %s already holds that name, so the statement fails (SQLSTATE 42P07, 42701 or 42710)", o.taken)
		case seen[key]:
			clash = "; another name of this statement truncates to the same, so the statement fails (SQLSTATE 42P07, 42701 or 42710)"
		default:
			seen[key] = true
		}
		p.ReportAt(at, analysis.Report{
			Message: fmt.Sprintf("%s name %s is %d bytes: PostgreSQL silently truncates it to 63 bytes (NOTICE 42622), so the %s "+
				"gets the name %s%s", o.kind, sqltext.Ident(full), len(full), o.kind, sqltext.Ident(o.name), clash),
			Help: "Choose a name of 63 bytes or less. With Prisma: give the index or constraint a short name with `map: \"...\"` " +
				"in `@@index`, `@@unique`, `@@id`, `@id`, `@unique` or `@relation` (or shorten a model or field name with " +
				"`@@map` or `@map`), then run `prisma migrate dev` so that the generated migration uses it.",
		})
	}
}

// namedObjects returns the names the current statement gives tables,
// columns, indexes, constraints and types.
func namedObjects(p *analysis.Pass) []namedObject {
	end := p.Stmt.End
	var out []namedObject
	constraint := func(k *pg.Constraint, table catalog.Name) {
		if k != nil && k.Conname != "" {
			out = append(out, namedObject{kind: "constraint", name: k.Conname, from: int(k.Location), to: end,
				taken: takenConstraint(p, table, k.Conname)})
		}
	}
	column := func(d *pg.ColumnDef, table catalog.Name, taken string) {
		out = append(out, namedObject{kind: "column", name: d.Colname, from: int(d.Location), to: end, taken: taken})
		for _, c := range d.Constraints {
			constraint(c.GetConstraint(), table)
		}
	}
	switch s := p.Stmt.Node.Node.(type) {
	case *pg.Node_CreateStmt:
		table := catalog.RangeName(s.CreateStmt.Relation)
		out = append(out, namedObject{kind: "table", name: table.Name, from: int(s.CreateStmt.Relation.Location), to: end,
			taken: takenRelation(p, table, s.CreateStmt.IfNotExists)})
		for _, e := range s.CreateStmt.TableElts {
			if d := e.GetColumnDef(); d != nil {
				column(d, table, "")
			}
			constraint(e.GetConstraint(), table)
		}
	case *pg.Node_AlterTableStmt:
		for _, c := range alterCmds(p) {
			if d := c.Cmd.Def.GetColumnDef(); d != nil && c.Cmd.Subtype == pg.AlterTableType_AT_AddColumn {
				taken := ""
				if p.Schema.Table(c.Table).Column(d.Colname) != nil && !c.Cmd.MissingOk {
					taken = "column " + sqltext.Ident(d.Colname) + " of " + c.Table.String()
				}
				column(d, c.Table, taken)
			}
			if c.Cmd.Subtype == pg.AlterTableType_AT_AddConstraint {
				constraint(c.Cmd.Def.GetConstraint(), c.Table)
			}
		}
	case *pg.Node_IndexStmt:
		if s.IndexStmt.Idxname != "" && s.IndexStmt.Relation != nil {
			name := catalog.Name{Schema: catalog.RangeName(s.IndexStmt.Relation).Schema, Name: s.IndexStmt.Idxname}
			out = append(out, namedObject{kind: "index", name: s.IndexStmt.Idxname, from: p.Stmt.Start,
				to: int(s.IndexStmt.Relation.Location), taken: takenRelation(p, name, s.IndexStmt.IfNotExists)})
		}
	case *pg.Node_RenameStmt:
		out = append(out, namedObject{kind: renamedKind(s.RenameStmt.RenameType), name: s.RenameStmt.Newname,
			from: p.Stmt.Start, to: end, last: true})
	case *pg.Node_CreateEnumStmt:
		name := catalog.QualifiedName(s.CreateEnumStmt.TypeName)
		out = append(out, namedObject{kind: "type", name: name.Name, from: p.Stmt.Start, to: end})
	}
	return out
}

// renamedKind names what a RENAME renames.
func renamedKind(t pg.ObjectType) string {
	switch t {
	case pg.ObjectType_OBJECT_TABLE:
		return "table"
	case pg.ObjectType_OBJECT_COLUMN:
		return "column"
	case pg.ObjectType_OBJECT_INDEX:
		return "index"
	case pg.ObjectType_OBJECT_TABCONSTRAINT:
		return "constraint"
	case pg.ObjectType_OBJECT_TYPE:
		return "type"
	}
	return "object"
}

// takenRelation names the table or index that already holds a relation
// name (tables and indexes share one namespace per schema).
func takenRelation(p *analysis.Pass, n catalog.Name, ifNotExists bool) string {
	switch {
	case ifNotExists:
		return ""
	case p.Schema.Table(n) != nil:
		return "table " + n.String()
	case p.Schema.Index(n) != nil:
		return "index " + n.String()
	}
	return ""
}

// takenConstraint names the constraint of table that already holds a name.
func takenConstraint(p *analysis.Pass, table catalog.Name, name string) string {
	if p.Schema.Table(table).Constraint(name) != nil {
		return "constraint " + sqltext.Ident(name) + " of " + table.String()
	}
	return ""
}

// writtenName finds, within the object's range, the identifier token
// longer than 63 bytes that the parser truncated to its name, and returns
// its span and full text; ok is false when the name was short enough.
func writtenName(f *sqlfile.File, o namedObject) (sqlfile.Span, string, bool) {
	if len(o.name) <= sqltext.MaxIdentifier-utf8.UTFMax {
		// Truncation keeps more (a character has at most 4 bytes, and the
		// source is valid UTF-8): the name was written as it is, and
		// scanning the statement's tokens for it is the rule's main cost.
		return sqlfile.Span{}, "", false
	}
	var found sqlfile.Span
	var full string
	for _, t := range f.Tokens(o.from, o.to) {
		if t.Token != pg.Token_IDENT {
			continue
		}
		s := identText(f.Src[t.Start:t.End])
		if len(s) > sqltext.MaxIdentifier && sqltext.TruncateIdentifier(s) == o.name {
			found, full = sqlfile.Span{Start: int(t.Start), End: int(t.End)}, s
			if !o.last {
				break
			}
		}
	}
	return found, full, full != ""
}

// identText is the name an identifier token stands for: a quoted one as
// written, an unquoted one folded to lower case (ASCII only, as PostgreSQL
// does for multibyte encodings).
func identText(tok string) string {
	if strings.HasPrefix(tok, `"`) {
		return strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(tok, `"`), `"`), `""`, `"`)
	}
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, tok)
}
