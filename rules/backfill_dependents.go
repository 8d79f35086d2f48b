package rules

import (
	"fmt"
	"slices"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
)

// backfillDependents returns the lines of the later statements of the file
// that need the backfill done: SET NOT NULL, a constraint or a unique index
// over the columns it sets (any of the table's, for a DELETE), or the drop of
// a table it reads. Running the backfill after the migration would make them
// fail (or lose the data it copies).
func backfillDependents(p *analysis.Pass, target catalog.Name) []int {
	set, reads := backfillColumns(p.Stmt.Node)
	covers := func(cols []string) bool {
		return set == nil || slices.ContainsFunc(cols, func(c string) bool { return slices.Contains(set, c) })
	}
	var lines []int
	for _, s := range p.File.Stmts[p.Stmt.Index+1:] {
		if dependsOn(s.Node, target, reads, covers) {
			lines = append(lines, p.File.Position(s.Start).Line)
		}
	}
	return lines
}

// backfillColumns returns the columns an UPDATE sets (nil: every column, as
// for a DELETE or an INSERT) and the tables the statement reads.
func backfillColumns(n *pg.Node) (set []string, reads []catalog.Name) {
	var from []*pg.Node
	switch s := n.Node.(type) {
	case *pg.Node_UpdateStmt:
		for _, t := range s.UpdateStmt.TargetList {
			set = append(set, t.GetResTarget().GetName())
		}
		from = s.UpdateStmt.FromClause
	case *pg.Node_DeleteStmt:
		from = s.DeleteStmt.UsingClause
	case *pg.Node_InsertStmt:
		from = s.InsertStmt.SelectStmt.GetSelectStmt().GetFromClause()
	}
	for _, f := range from {
		walkNodes(f, func(n *pg.Node) {
			if rv := n.GetRangeVar(); rv != nil {
				reads = append(reads, catalog.RangeName(rv))
			}
		})
	}
	return set, reads
}

// dependsOn reports a statement that needs the backfill of target done.
func dependsOn(n *pg.Node, target catalog.Name, reads []catalog.Name, covers func([]string) bool) bool {
	switch s := n.Node.(type) {
	case *pg.Node_AlterTableStmt:
		if s.AlterTableStmt.Relation == nil || catalog.RangeName(s.AlterTableStmt.Relation) != target {
			return false
		}
		for _, c := range s.AlterTableStmt.Cmds {
			cmd := c.GetAlterTableCmd()
			switch cmd.GetSubtype() {
			case pg.AlterTableType_AT_SetNotNull:
				if covers([]string{cmd.Name}) {
					return true
				}
			case pg.AlterTableType_AT_AddConstraint:
				if k := cmd.Def.GetConstraint(); k != nil && !k.SkipValidation && covers(constraintOver(k)) {
					return true
				}
			}
		}
	case *pg.Node_IndexStmt:
		ix := s.IndexStmt
		if ix.Unique && catalog.RangeName(ix.Relation) == target {
			var cols []string
			for _, e := range ix.IndexParams {
				cols = append(cols, e.GetIndexElem().GetName())
			}
			return covers(cols)
		}
	case *pg.Node_DropStmt:
		if s.DropStmt.RemoveType == pg.ObjectType_OBJECT_TABLE {
			for _, o := range s.DropStmt.Objects {
				if slices.Contains(reads, catalog.QualifiedName(o.GetList().GetItems())) {
					return true
				}
			}
		}
	}
	return false
}

// constraintOver returns the columns a constraint is over, CHECK expressions included.
func constraintOver(k *pg.Constraint) []string {
	cols := append(stringFields(k.Keys), stringFields(k.FkAttrs)...)
	if k.RawExpr != nil {
		cols = append(cols, columnRefs(k.RawExpr)...)
	}
	return cols
}

// dependentsHelp is the help of a backfill that later statements need.
func dependentsHelp(lines []int) string {
	needs := " needs"
	if len(lines) > 1 {
		needs = " need"
	}
	return fmt.Sprintf("%s%s this backfill done, so running the backfill after the whole migration would make it "+
		"fail: split the migration in two. Keep the statements before this one in this migration; once it has committed, "+
		"run the data change as a separate data migration in batches that each commit (below); then deploy %[3]s and "+
		"what follows as a second migration. No DDL lock is held while rows change, and each batch's row locks last a "+
		"moment. With Prisma: create the migration with `prisma migrate dev --create-only`, move this statement and the "+
		"lines after it out of migration.sql (the later lines into a second migration created the same way, after the "+
		"batches have run).", capitalize(joinLines(lines)), needs, joinLines(lines))
}

func capitalize(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// joinLines names lines: "line 16", "lines 25 and 31".
func joinLines(lines []int) string {
	s := make([]string, len(lines))
	for i, l := range lines {
		s[i] = fmt.Sprint(l)
	}
	if len(s) > 1 {
		return "lines " + strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
	}
	return "line " + s[0]
}
