package rules

import (
	"fmt"
	"slices"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/english"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// DropCascade flags DROP ... CASCADE, which drops whatever depends on the
// object without naming it.
var DropCascade = register(&analysis.Rule{
	ID:       "drop-cascade",
	Severity: analysis.Warning,
	Summary:  "DROP ... CASCADE silently drops the objects that depend on it",
	Doc: "CASCADE makes a DROP succeed by dropping everything that depends on the object, without listing it: the " +
		"foreign keys of other tables that reference a dropped table or unique constraint (those tables stop checking " +
		"their references), views, indexes and constraints over a dropped column, triggers and defaults that call a " +
		"dropped function, defaults that read a dropped sequence. A dependent nobody remembered disappears in " +
		"production with no error. Drop the dependents you mean to lose explicitly, then drop the object without " +
		"CASCADE: an unexpected dependent then stops the migration (SQLSTATE 2BP01) instead of vanishing. Prisma " +
		"never generates CASCADE. For a table, index, column or constraint the replayed history knows what CASCADE " +
		"would take along (foreign keys, and views that read the table); when that is nothing, it drops nothing " +
		"more than a plain DROP, and the rule is silent. A function's dependents (triggers, defaults) are not " +
		"tracked, so DROP FUNCTION ... CASCADE is always reported. DROP SCHEMA and DROP TYPE are reported by drop-schema and drop-type, and objects " +
		"created in the same migration are not reported.",
	Bad: `-- DropTable
DROP TABLE "User" CASCADE;`,
	Good: `-- The trigger that called it was dropped explicitly in an earlier migration; no CASCADE:
DROP FUNCTION IF EXISTS "set_updated_at"();`,
	Requires: []analysis.Result{alterCmdsResult},
	Run:      runDropCascade,
})

func runDropCascade(p *analysis.Pass) {
	if s := p.Stmt.Node.GetDropStmt(); s != nil && s.Behavior == pg.DropBehavior_DROP_CASCADE {
		if what, deps, ok := dropDependents(p, s); ok && (len(deps) > 0 || !listsDependents(s.RemoveType)) {
			reportCascade(p, p.StmtSpan(), what, deps, restrictDrop(p.Stmt.Node, -1))
		}
		return
	}
	for i, c := range alterCmds(p) {
		if c.Cmd.Behavior != pg.DropBehavior_DROP_CASCADE || !existing(p, c.Table) {
			continue
		}
		var what string
		var deps []dependent
		switch c.Cmd.Subtype {
		case pg.AlterTableType_AT_DropColumn:
			what, deps = fmt.Sprintf("DROP COLUMN %s", sqltext.Ident(c.Cmd.Name)), columnDependents(p.Schema, c.Table, c.Cmd.Name)
			for _, v := range p.Schema.ViewsOn(c.Table) {
				d := viewDependent(p.Schema, v)
				d.what += " if it reads the column"
				d.drop += " -- only if it reads the column; else delete this line"
				deps = append(deps, d)
			}
		case pg.AlterTableType_AT_DropConstraint:
			what, deps = fmt.Sprintf("DROP CONSTRAINT %s", sqltext.Ident(c.Cmd.Name)), constraintDependents(p.Schema, c.Table, c.Cmd.Name)
		default:
			continue
		}
		if len(deps) == 0 {
			continue // the replayed history knows every dependent, and there is none
		}
		reportCascade(p, c.Span, what+" CASCADE on "+c.Table.String(), deps, restrictDrop(p.Stmt.Node, i))
	}
}

// dependent is an object a DROP ... CASCADE drops along, and the statement
// that drops it explicitly.
type dependent struct{ what, drop string }

func fkDependent(fk fkRef) dependent {
	return dependent{"foreign key " + fk.String(), fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s;", fk.Table, sqltext.Ident(fk.Name))}
}

func viewDependent(s *catalog.Catalog, v catalog.Name) dependent {
	kind := "VIEW"
	if s.Materialized(v) {
		kind = "MATERIALIZED VIEW"
	}
	return dependent{"view " + v.String(), fmt.Sprintf("DROP %s %s;", kind, v)}
}

func reportCascade(p *analysis.Pass, at sqlfile.Span, what string, deps []dependent, restrict string) {
	known := "nothing the replayed migrations know of"
	if len(deps) > 0 {
		whats := make([]string, len(deps))
		for i, d := range deps {
			whats[i] = d.what
		}
		known = english.Join(whats)
	}
	fix := ""
	if restrict != "" {
		fix = "-- First drop, explicitly, each dependent you mean to lose (deal first with those you keep); then:\n"
		for _, d := range deps {
			fix += d.drop + "\n"
		}
		fix += restrict + ";"
	}
	p.ReportAt(at, analysis.Report{
		Message: fmt.Sprintf("%s also drops, without naming them, the objects that depend on it: %s, and any view, trigger or "+
			"function that uses it", what, known),
		Help: "Drop the dependents you mean to lose explicitly in earlier statements, then drop without CASCADE: a dependent you " +
			"did not expect then stops the migration (2BP01) instead of disappearing. " + prismaEdit,
		Fix: fix,
	})
}

// dropDependents describes a DROP ... CASCADE and the dependents the schema
// knows; ok is false for kinds other rules report and for objects the file
// created.
func dropDependents(p *analysis.Pass, s *pg.DropStmt) (what string, deps []dependent, ok bool) {
	kind := strings.TrimPrefix(s.RemoveType.String(), "OBJECT_")
	switch s.RemoveType {
	case pg.ObjectType_OBJECT_SCHEMA, pg.ObjectType_OBJECT_TYPE:
		return "", nil, false // drop-schema, drop-type
	}
	var names []string
	for _, obj := range s.Objects {
		name := catalog.QualifiedName(objectNameNodes(obj))
		switch s.RemoveType {
		case pg.ObjectType_OBJECT_TABLE:
			if !existing(p, name) {
				continue
			}
			for _, fk := range referencingFKs(p.Schema, name) {
				deps = append(deps, fkDependent(fk))
			}
			for _, v := range p.Schema.ViewsOn(name) {
				deps = append(deps, viewDependent(p.Schema, v))
			}
		case pg.ObjectType_OBJECT_INDEX:
			ix := p.Schema.Index(name)
			if ix != nil && !existing(p, ix.Table) {
				continue
			}
			if ix != nil {
				deps = append(deps, constraintDependents(p.Schema, ix.Table, name.Name)...)
			}
		}
		names = append(names, name.String())
	}
	if len(names) == 0 {
		return "", nil, false
	}
	return fmt.Sprintf("DROP %s %s CASCADE", strings.ReplaceAll(kind, "_", " "), strings.Join(names, ", ")), deps, true
}

// listsDependents reports whether the replayed history knows every object
// that DROP ... CASCADE of this kind would take along (foreign keys and
// views for a table, foreign keys for an index), so that with none known the
// CASCADE drops nothing. It cannot list the triggers and defaults that call
// a function, for one.
func listsDependents(kind pg.ObjectType) bool {
	return kind == pg.ObjectType_OBJECT_TABLE || kind == pg.ObjectType_OBJECT_INDEX
}

// objectNameNodes returns the name list of a DROP target.
func objectNameNodes(obj *pg.Node) []*pg.Node {
	switch {
	case obj.GetList() != nil:
		return obj.GetList().Items
	case obj.GetTypeName() != nil:
		return obj.GetTypeName().Names
	case obj.GetObjectWithArgs() != nil:
		return obj.GetObjectWithArgs().Objname
	}
	return []*pg.Node{obj}
}

// columnDependents lists what the schema knows CASCADE drops with a column:
// the foreign keys that reference the primary key it belongs to.
func columnDependents(s *catalog.Catalog, table catalog.Name, col string) []dependent {
	// The column's own indexes and constraints go with it even without
	// CASCADE (PostgreSQL drops them); what CASCADE adds is what other
	// tables hang on them.
	t := s.Table(table)
	if t == nil {
		return nil
	}
	var out []dependent
	for _, k := range t.Constraints {
		if slices.Contains(k.Columns, col) {
			out = append(out, constraintDependents(s, table, k.Name)...)
		}
	}
	return out
}

// constraintDependents lists the foreign keys that reference a primary key,
// as foreign keys usually reference the primary key (the catalog does not
// keep the referenced columns).
func constraintDependents(s *catalog.Catalog, table catalog.Name, name string) []dependent {
	t := s.Table(table)
	if t == nil {
		return nil
	}
	if k := t.Constraint(name); k == nil || k.Kind != catalog.PrimaryKey {
		return nil
	}
	var out []dependent
	for _, fk := range referencingFKs(s, table) {
		out = append(out, fkDependent(fk))
	}
	return out
}

// restrictDrop renders the statement without CASCADE (for ALTER TABLE, the
// clause at index cmd), or "".
func restrictDrop(n *pg.Node, cmd int) string {
	n = proto.Clone(n).(*pg.Node)
	if s := n.GetDropStmt(); s != nil {
		s.Behavior = pg.DropBehavior_DROP_RESTRICT
	}
	if a := n.GetAlterTableStmt(); a != nil && cmd >= 0 && cmd < len(a.Cmds) {
		a.Cmds = a.Cmds[cmd : cmd+1]
		a.Cmds[0].GetAlterTableCmd().Behavior = pg.DropBehavior_DROP_RESTRICT
	}
	sql, ok := deparseStmt(n)
	if !ok {
		return ""
	}
	return sql
}
