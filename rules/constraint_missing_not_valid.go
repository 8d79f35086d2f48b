package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// ConstraintMissingNotValid flags a foreign key or CHECK constraint added to
// an existing table with validation of every existing row.
var ConstraintMissingNotValid = register(&analysis.Rule{
	ID:             "constraint-missing-not-valid",
	NamesHeldLocks: true,
	Severity:       analysis.Warning,
	Summary:        "FOREIGN KEY or CHECK added to an existing table without NOT VALID",
	Doc: "ADD CONSTRAINT checks every existing row before it commits, under the lock it took: for a FOREIGN KEY " +
		"a SHARE ROW EXCLUSIVE lock on the table and on the referenced table, so writes to both wait for the whole " +
		"check; for a CHECK an ACCESS EXCLUSIVE lock, so reads and writes wait. Prisma generates such an " +
		"AddForeignKey for every new relation on an existing model. Added NOT VALID, the constraint is enforced " +
		"for new rows at once and takes its lock only for a moment; VALIDATE CONSTRAINT, in a later migration, then " +
		"checks the existing rows while reads and writes go on. ADD COLUMN ... DEFAULT x REFERENCES is checked the " +
		"same way, every row now holding the default (without a DEFAULT PostgreSQL skips the check: every value is " +
		"NULL). Constraints on tables created in the same migration are not flagged: those tables are empty.",
	Bad: `-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_user_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;`,
	Good: `-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_user_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;`,
	Requires: []analysis.Result{alterCmdsResult, locksResult, heldPrefixResult, enumSwapsResult},
	Run:      runConstraintMissingNotValid,
})

func runConstraintMissingNotValid(p *analysis.Pass) {
	var found []unvalidated
	for _, c := range alterCmds(p) {
		k := c.Cmd.Def.GetConstraint()
		if c.Cmd.Subtype != pg.AlterTableType_AT_AddConstraint || k == nil || k.SkipValidation || !existing(p, c.Table) {
			continue
		}
		if k.Contype == pg.ConstrType_CONSTR_FOREIGN || k.Contype == pg.ConstrType_CONSTR_CHECK {
			found = append(found, unvalidated{c, k, constraintName(p, c.Table, k, found)})
		}
	}
	reportReferencingDefaults(p)
	if len(found) == 0 {
		return
	}
	fix := notValidFix(p, found)
	for _, u := range found {
		p.ReportAt(u.Span, analysis.Report{
			Message: u.message(p),
			Help: "Add the constraint NOT VALID: it is enforced for new and updated rows at once, and its lock lasts a moment " +
				"because no existing row is checked. Then, in a separate later migration, VALIDATE CONSTRAINT checks the " +
				"existing rows under a SHARE UPDATE EXCLUSIVE lock, so reads and writes go on (in the same transaction it " +
				"would run under the ADD's lock). " + prismaEdit,
			Fix:    fix,
			Impact: constraintImpact(p, u.Table, u.k),
		})
	}
}

// reportReferencingDefaults flags ADD COLUMN ... DEFAULT x REFERENCES on an
// existing table: with a non-NULL default PostgreSQL checks every row (each
// now holding the default) against the referenced table; without one it
// skips the check, every value being NULL.
func reportReferencingDefaults(p *analysis.Pass) {
	cmds := alterCmds(p)
	for _, c := range cmds {
		d := c.Cmd.Def.GetColumnDef()
		if c.Cmd.Subtype != pg.AlterTableType_AT_AddColumn || d == nil || isNull(columnDefault(d)) || !existing(p, c.Table) {
			continue
		}
		k := columnHas(d, pg.ConstrType_CONSTR_FOREIGN)
		if k == nil || rewritesForDefault(p, d) && p.Enabled(VolatileDefault.ID) {
			continue // volatile-default's fix adds the column without its default: no check
		}
		ref := catalog.RangeName(k.Pktable)
		tables := []catalog.Name{c.Table}
		if ref != c.Table {
			tables = append(tables, ref)
		}
		name := k.Conname
		if name == "" {
			name = c.Table.Name + "_" + d.Colname + "_fkey"
		}
		fix := ""
		if len(cmds) == 1 {
			fix = referencingDefaultFix(c.Table, d, k, name)
		}
		p.ReportAt(c.Span, analysis.Report{
			Message: fmt.Sprintf("adding %s.%s with a DEFAULT and REFERENCES %s checks every existing row of %s, each "+
				"now holding the default, against %s, and until the check finishes runs under %s", c.Table, sqltext.Ident(d.Colname), ref,
				c.Table, ref, underSlow(p, tables...)),
			Help: "Add the column with its default but without REFERENCES, then the foreign key as its own ADD CONSTRAINT ... NOT VALID: " +
				"it is enforced for new and updated rows at once and no existing row is checked. Then, in a separate later " +
				"migration, VALIDATE CONSTRAINT checks the existing rows while reads and writes go on. (Without a DEFAULT, " +
				"PostgreSQL skips the check: every value is NULL.) " + prismaEdit,
			Fix: fix,
		})
	}
}

// rewritesForDefault reports whether volatile-default reports the column.
func rewritesForDefault(p *analysis.Pass, d *pg.ColumnDef) bool {
	return p.PGVersion < 11 || volatileCall(p.Schema, columnDefault(d)) != ""
}

// referencingDefaultFix adds the column without its foreign key, then the
// foreign key NOT VALID, and validates it in a later migration.
func referencingDefaultFix(t catalog.Name, d *pg.ColumnDef, k *pg.Constraint, name string) string {
	plain := proto.Clone(d).(*pg.ColumnDef)
	plain.Constraints = slices.DeleteFunc(plain.Constraints, func(n *pg.Node) bool {
		return n.GetConstraint().GetContype() == pg.ConstrType_CONSTR_FOREIGN
	})
	addColumn, ok := deparseAddColumn(t, plain)
	fk := proto.Clone(k).(*pg.Constraint)
	fk.Conname, fk.FkAttrs, fk.SkipValidation, fk.InitiallyValid = "c", []*pg.Node{pg.MakeStrNode(d.Colname)}, true, false
	stmt, ok2 := deparseStmt(&pg.Node{Node: &pg.Node_AlterTableStmt{AlterTableStmt: &pg.AlterTableStmt{
		Relation: pg.MakeSimpleRangeVar("t", -1), Objtype: pg.ObjectType_OBJECT_TABLE,
		Cmds: []*pg.Node{{Node: &pg.Node_AlterTableCmd{AlterTableCmd: &pg.AlterTableCmd{
			Subtype: pg.AlterTableType_AT_AddConstraint, Def: &pg.Node{Node: &pg.Node_Constraint{Constraint: fk}}}}}},
	}}})
	rest, found := strings.CutPrefix(stmt, "ALTER TABLE t ADD CONSTRAINT c ")
	if !ok || !ok2 || !found {
		return ""
	}
	return fmt.Sprintf("-- Migration 1: add the column with its default, then the foreign key for new rows only; no row is checked.\n"+
		"%s;\nALTER TABLE %s ADD CONSTRAINT %s %s;\n"+
		"-- Migration 2 (a separate, later migration): check existing rows while reads and writes go on.\n"+
		"ALTER TABLE %s VALIDATE CONSTRAINT %s;", addColumn, t, sqltext.Ident(name), rest, t, sqltext.Ident(name))
}

// unvalidated is a foreign key or CHECK clause added without NOT VALID.
type unvalidated struct {
	alterCmd
	k    *pg.Constraint
	name string // as written, or the name the fix gives it
}

func (u unvalidated) message(p *analysis.Pass) string {
	tables := []catalog.Name{u.Table}
	what := fmt.Sprintf("adding CHECK constraint %s scans every row of %s", sqltext.Ident(u.name), u.Table)
	if u.k.Contype == pg.ConstrType_CONSTR_FOREIGN {
		what = fmt.Sprintf("adding foreign key %s checks every row of %s", sqltext.Ident(u.name), u.Table)
		if ref := catalog.RangeName(u.k.Pktable); ref != u.Table {
			tables = append(tables, ref)
			what += " against " + ref.String()
		}
	}
	return fmt.Sprintf("%s, and until the check finishes runs under %s", what,
		underSlow(p, tables...))
}

// constraintName is the constraint's name or, for an unnamed one, its
// default name numbered past the names the table already has and those
// chosen earlier in the statement, as PostgreSQL numbers it.
func constraintName(p *analysis.Pass, t catalog.Name, k *pg.Constraint, chosen []unvalidated) string {
	if k.Conname != "" {
		return k.Conname
	}
	base := defaultConstraintName(t, k)
	taken := func(name string) bool {
		if tab := p.Schema.Table(t); tab != nil && tab.Constraint(name) != nil {
			return true
		}
		return slices.ContainsFunc(chosen, func(u unvalidated) bool { return u.name == name })
	}
	name := base
	for n := 1; taken(name); n++ {
		name = base + strconv.Itoa(n)
	}
	return name
}

// notValidFix is the statement rebuilt from its source text with NOT VALID
// appended to each flagged clause (and a name given to unnamed ones), then
// their validation in a later migration.
func notValidFix(p *analysis.Pass, found []unvalidated) string {
	var ins []insertion
	var validate strings.Builder
	for _, u := range found {
		if u.k.Conname == "" {
			named, ok := afterToken(p.File, u.Span, pg.Token_ADD_P, "CONSTRAINT "+sqltext.Ident(u.name))
			if !ok {
				return ""
			}
			ins = append(ins, named)
		}
		ins = append(ins, insertion{at: u.Span.End, text: " NOT VALID"})
		fmt.Fprintf(&validate, "\nALTER TABLE %s VALIDATE CONSTRAINT %s;", u.Table, sqltext.Ident(u.name))
	}
	return "-- Migration 1: enforce the constraint for new rows without checking existing ones.\n" +
		withInsertions(p.File, p.StmtSpan(), ins) + terminator(p.File, p.Stmt) + "\n" +
		"-- Migration 2 (a separate, later migration): check existing rows while reads and writes go on." + validate.String()
}
