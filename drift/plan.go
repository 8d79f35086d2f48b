package drift

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	pg "github.com/pganalyze/pg_query_go/v6"
)

// step is one statement of a reconciling migration, with the comment that
// goes above it.
type step struct {
	comment string
	sql     string
}

// file is one reconciling migration: the main one, one per concurrent index
// build or drop, one adding enum values (committed before they are used), and
// the one that validates what the others added NOT VALID.
type file struct {
	suffix string // appended to the migration's name; "" for the main one
	steps  []step
}

// plan is the reconciling migrations in the order they must run, and the
// warnings about changes that have no safe form or no form at all.
type plan struct {
	drops    []file // concurrent index drops, before the main file
	enums    file   // enum values added, committed before the main file may use them
	main     file
	indexes  []file // concurrent index builds, after it
	validate file
	warnings []string
}

func (p *plan) files() []file {
	var out []file
	out = append(out, p.drops...)
	if len(p.enums.steps) > 0 {
		p.enums.suffix = "enum_values"
		out = append(out, p.enums)
	}
	if len(p.main.steps) > 0 {
		out = append(out, p.main)
	}
	out = append(out, p.indexes...)
	if len(p.validate.steps) > 0 {
		p.validate.suffix = "validate"
		out = append(out, p.validate)
	}
	return out
}

func (p *plan) warn(format string, args ...any) {
	p.warnings = append(p.warnings, fmt.Sprintf(format, args...))
}

// phases of the main file, in the order they run.
const (
	phDropPolicy = iota
	phDropTrigger
	phDropView
	phDropConstraint
	phDropColumn
	phDropTable
	phDropFunction
	phDropType
	phCreateType
	phCreateTable
	phAlterColumn
	phFunction
	phConstraint
	phView
	phIndexOnNew
	phTrigger
	phSecurity
	phComment
	numPhases
)

// builder collects the steps of the main file by phase.
type builder struct {
	p      *plan
	phases [numPhases][]step
	db     *Schema
	// views recreated, by schema.name: a column type change must drop and
	// recreate the views that read the column, once.
	views map[string]bool
}

func (b *builder) add(phase int, sql string, comment ...string) {
	b.phases[phase] = append(b.phases[phase], step{sql: sql, comment: strings.Join(comment, "\n")})
}

// buildPlan turns the differences into the SQL that takes a database at the
// history's end to the database's schema.
func buildPlan(rep *Report) *plan {
	p := &plan{}
	b := &builder{p: p, db: rep.db, views: map[string]bool{}}
	for _, d := range rep.Drift {
		if d.Kind == KindView || d.Kind == KindMatView {
			b.views[d.object().Schema+"."+d.object().Name] = true
		}
	}
	diffs := pairRenames(rep.Drift, rep.db, rep.hist)
	for _, d := range diffs {
		b.diff(d)
	}
	for _, ph := range b.phases {
		p.main.steps = append(p.main.steps, ph...)
	}
	return p
}

// pairRenames finds tables and columns renamed by hand: one missing and
// one extra of the same shape in the same place, and no other candidate.
// They are returned as differences of change "renamed".
func pairRenames(diffs []Difference, db, hist *Schema) []Difference {
	var out []Difference
	used := map[int]bool{}
	for i, m := range diffs {
		if m.Change != Missing || (m.Kind != KindTable && m.Kind != KindColumn) {
			continue
		}
		match := -1
		for j, e := range diffs {
			if e.Change == Extra && e.Kind == m.Kind && !used[j] && sameShape(m.hist, e.db, hist, db) {
				if match >= 0 {
					match = -2 // ambiguous
					break
				}
				match = j
			}
		}
		if match >= 0 {
			used[i], used[match] = true, true
			out = append(out, Difference{Kind: m.Kind, Change: "renamed", hist: m.hist, db: diffs[match].db})
		}
	}
	for i, d := range diffs {
		if !used[i] {
			out = append(out, d)
		}
	}
	return out
}

func sameShape(h, d *Object, hs, ds *Schema) bool {
	if h.Schema != d.Schema {
		return false
	}
	if h.Kind == KindColumn {
		return h.Table == d.Table && h.Def == d.Def
	}
	return h.Def == d.Def && columnsOf(hs, h) == columnsOf(ds, d)
}

// columnsOf lists a table's columns and their definitions, in order.
func columnsOf(s *Schema, t *Object) string {
	var cols []*Object
	for _, o := range s.Objects {
		if o.Kind == KindColumn && o.Schema == t.Schema && o.Table == t.Name {
			cols = append(cols, o)
		}
	}
	sort.Slice(cols, func(i, j int) bool { return cols[i].Col.Pos < cols[j].Col.Pos })
	var b strings.Builder
	for _, c := range cols {
		b.WriteString(c.Name + " " + c.Def + "\n")
	}
	return b.String()
}

func (b *builder) diff(d Difference) {
	switch d.Kind {
	case KindExtension:
		b.extension(d)
	case KindEnum:
		b.enum(d)
	case KindDomain:
		b.domain(d)
	case KindSequence:
		b.sequence(d)
	case KindTable:
		b.table(d)
	case KindColumn:
		b.column(d)
	case KindConstr:
		b.constraint(d)
	case KindIndex:
		b.index(d)
	case KindView, KindMatView:
		b.view(d)
	case KindFunction, KindProcedure:
		b.function(d)
	case KindTrigger:
		b.trigger(d)
	case KindRLS:
		b.rls(d)
	case KindPolicy:
		b.policy(d)
	case KindComment:
		b.comment(d)
	}
}

func tableOf(o *Object) string { return qualify(o.Schema, o.Table) }

func (b *builder) extension(d Difference) {
	switch d.Change {
	case Extra:
		b.add(phCreateType, fmt.Sprintf("CREATE EXTENSION IF NOT EXISTS %s WITH SCHEMA %s;", sqltext.Ident(d.db.Name), sqltext.Ident(d.db.Schema)))
	case Missing:
		b.add(phDropType, fmt.Sprintf("DROP EXTENSION IF EXISTS %s;", sqltext.Ident(d.hist.Name)))
	case Differs:
		b.add(phCreateType, fmt.Sprintf("ALTER EXTENSION %s SET SCHEMA %s;", sqltext.Ident(d.db.Name), sqltext.Ident(d.db.Schema)))
	}
}

func (b *builder) enum(d Difference) {
	switch d.Change {
	case Extra:
		b.add(phCreateType, fmt.Sprintf("CREATE TYPE %s AS %s;", qualify(d.db.Schema, d.db.Name), d.db.Def))
	case Missing:
		b.add(phDropType, fmt.Sprintf("DROP TYPE %s;", qualify(d.hist.Schema, d.hist.Name)))
	case Differs:
		name := qualify(d.db.Schema, d.db.Name)
		if from, to, ok := renamedLabel(d.hist.Labels, d.db.Labels); ok {
			b.add(phCreateType, fmt.Sprintf("ALTER TYPE %s RENAME VALUE %s TO %s;", name, sqltext.Literal(from), sqltext.Literal(to)))
			return
		}
		adds, ok := addedLabels(d.hist.Labels, d.db.Labels)
		if !ok {
			b.p.warn("enum %s: values were removed or reordered (database %s, history %s); PostgreSQL cannot do that in place: not written, write it by hand", d.Object, d.Database, d.History)
			return
		}
		for _, a := range adds {
			b.p.enums.steps = append(b.p.enums.steps, step{sql: fmt.Sprintf("ALTER TYPE %s ADD VALUE IF NOT EXISTS %s %s %s;", name, sqltext.Literal(a.label), a.where, sqltext.Literal(a.next))})
		}
	}
}

// renamedLabel finds the one value renamed between two lists of values.
func renamedLabel(hist, db []string) (from, to string, ok bool) {
	if len(hist) != len(db) {
		return "", "", false
	}
	n := 0
	for i := range hist {
		if hist[i] != db[i] {
			from, to, n = hist[i], db[i], n+1
		}
	}
	return from, to, n == 1 && !slices.Contains(hist, to)
}

// domain creates or drops a domain; one defined differently is replaced
// only when nothing uses it, so the change is left to the user.
func (b *builder) domain(d Difference) {
	switch d.Change {
	case Extra:
		b.add(phCreateType, fmt.Sprintf("CREATE DOMAIN %s AS %s;", qualify(d.db.Schema, d.db.Name), d.db.Def))
	case Missing:
		b.add(phDropType, fmt.Sprintf("DROP DOMAIN %s;", qualify(d.hist.Schema, d.hist.Name)))
	case Differs:
		b.p.warn("domain %s differs (database: %s; history: %s): not written — change it with ALTER DOMAIN by hand", d.Object, d.Database, d.History)
	}
}

type addedLabel struct{ label, where, next string }

// addedLabels returns how to add the values of db missing from hist, each
// before the next old value (or after the last one); ok is false when hist
// is not a subsequence of db.
func addedLabels(hist, db []string) ([]addedLabel, bool) {
	old := map[string]bool{}
	for _, h := range hist {
		old[h] = true
	}
	var kept []string
	for _, v := range db {
		if old[v] {
			kept = append(kept, v)
		}
	}
	if strings.Join(kept, "\x00") != strings.Join(hist, "\x00") || len(hist) == 0 {
		return nil, false
	}
	var out []addedLabel
	for i, v := range db {
		if old[v] {
			continue
		}
		if i > 0 {
			out = append(out, addedLabel{v, "AFTER", db[i-1]})
		} else {
			out = append(out, addedLabel{v, "BEFORE", db[1]})
		}
	}
	return out, true
}

func (b *builder) sequence(d Difference) {
	switch d.Change {
	case Extra:
		name := qualify(d.db.Schema, d.db.Name)
		b.add(phCreateType, fmt.Sprintf("CREATE SEQUENCE %s %s;", name, d.db.Def))
		if d.db.Extra != "" {
			// After the columns: the owning one may be added in this file.
			b.add(phConstraint, fmt.Sprintf("ALTER SEQUENCE %s OWNED BY %s.%s;", name, sqltext.Ident(d.db.Schema), d.db.Extra))
		}
	case Missing:
		b.add(phDropFunction, fmt.Sprintf("DROP SEQUENCE %s;", qualify(d.hist.Schema, d.hist.Name)))
	case Differs:
		b.add(phCreateType, fmt.Sprintf("ALTER SEQUENCE %s %s;", qualify(d.db.Schema, d.db.Name), d.db.Def))
	}
}

func (b *builder) table(d Difference) {
	switch d.Change {
	case "renamed":
		b.add(phCreateTable, fmt.Sprintf("ALTER TABLE %s RENAME TO %s;", qualify(d.hist.Schema, d.hist.Name), sqltext.Ident(d.db.Name)))
	case Extra:
		b.createTable(d.db)
	case Missing:
		b.add(phDropTable, fmt.Sprintf("DROP TABLE %s;", qualify(d.hist.Schema, d.hist.Name)))
	case Differs:
		b.p.warn("table %s differs (database: %s; history: %s): changing persistence or partitioning rewrites or rebuilds the table — write this step by hand", d.Object, d.Database, d.History)
	}
}

// createTable creates a table the database has and the history lacks, with
// everything it holds. The table is new, hence empty: its constraints are
// valid from the start and its indexes need no concurrent build.
func (b *builder) createTable(t *Object) {
	name := qualify(t.Schema, t.Name)
	var cols []*Object
	kids := b.childrenOf(t)
	for _, o := range kids {
		if o.Kind == KindColumn {
			cols = append(cols, o)
		}
	}
	sort.Slice(cols, func(i, j int) bool { return cols[i].Col.Pos < cols[j].Col.Pos })
	var sql string
	if t.PartOf != "" {
		sql = fmt.Sprintf("CREATE TABLE %s %s;", name, t.PartOf)
	} else {
		var lines []string
		for _, c := range cols {
			lines = append(lines, "    "+sqltext.Ident(c.Name)+" "+c.Col.def())
		}
		for _, o := range kids {
			if o.Kind == KindConstr && o.ConType != 'f' {
				lines = append(lines, "    CONSTRAINT "+sqltext.Ident(o.Name)+" "+o.Def)
			}
		}
		unlogged := ""
		if t.Unlogged {
			unlogged = "UNLOGGED "
		}
		sql = fmt.Sprintf("CREATE %sTABLE %s (\n%s\n)", unlogged, name, strings.Join(lines, ",\n"))
		if t.Extra != "" {
			sql += " " + t.Extra
		}
		sql += ";"
	}
	b.add(phCreateTable, sql)
	for _, o := range kids {
		switch {
		case o.Kind == KindConstr && o.ConType == 'f':
			b.add(phConstraint, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s;", name, sqltext.Ident(o.Name), o.Def))
		case o.Kind != KindColumn && o.Kind != KindConstr:
			b.diff(Difference{Kind: o.Kind, Change: Extra, Object: o.ID(), Database: o.Def, db: o, newTable: true})
		}
	}
}

// childrenOf returns the objects of the database that belong to a table or
// materialized view, in a stable order.
func (b *builder) childrenOf(t *Object) []*Object {
	var out []*Object
	for _, o := range b.db.sorted() {
		if o.Schema == t.Schema && o.Table == t.Name && o.Kind != KindTable && o.Kind != t.Kind {
			out = append(out, o)
		}
	}
	return out
}

func (b *builder) column(d Difference) {
	switch d.Change {
	case "renamed":
		b.add(phCreateTable, fmt.Sprintf("ALTER TABLE %s RENAME COLUMN %s TO %s;", tableOf(d.hist), sqltext.Ident(d.hist.Name), sqltext.Ident(d.db.Name)))
	case Extra:
		b.add(phAlterColumn, fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s %s;", tableOf(d.db), sqltext.Ident(d.db.Name), d.db.Col.def()))
	case Missing:
		b.add(phDropColumn, fmt.Sprintf("ALTER TABLE %s DROP COLUMN %s;", tableOf(d.hist), sqltext.Ident(d.hist.Name)))
	case Differs:
		b.alterColumn(d.db, d.hist)
	}
}

func (b *builder) alterColumn(db, hist *Object) {
	t, c := tableOf(db), sqltext.Ident(db.Name)
	dc, hc := db.Col, hist.Col
	alter := func(format string, args ...any) {
		b.add(phAlterColumn, fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s ", t, c)+fmt.Sprintf(format, args...)+";")
	}
	if dc.Generated != hc.Generated {
		if dc.Generated == "" {
			alter("DROP EXPRESSION")
		} else {
			b.p.warn("column %s: its generation expression differs; PostgreSQL cannot change it in place — drop and add the column by hand (a table rewrite)", db.ID())
		}
	}
	if dc.Identity != hc.Identity {
		switch {
		case dc.Identity == "":
			alter("DROP IDENTITY")
		case hc.Identity == "":
			alter("ADD GENERATED %s AS IDENTITY", dc.Identity)
		default:
			alter("SET GENERATED %s", dc.Identity)
		}
	}
	if dc.Type != hc.Type || dc.Collation != hc.Collation {
		collate := ""
		if dc.Collation != "" {
			collate = " COLLATE " + dc.Collation
		}
		if hc.Default != "" && dc.Default != hc.Default {
			alter("DROP DEFAULT")
			hc = &Column{Type: hc.Type, NotNull: hc.NotNull}
		}
		b.recreateViewsOf(db)
		alter("TYPE %s%s USING %s::%s", dc.Type, collate, c, dc.Type)
	}
	if dc.Default != hc.Default && dc.Identity == "" && dc.Generated == "" {
		if dc.Default == "" {
			alter("DROP DEFAULT")
		} else {
			alter("SET DEFAULT %s", dc.Default)
		}
	}
	if dc.NotNull != hc.NotNull {
		if !dc.NotNull {
			alter("DROP NOT NULL")
		} else {
			b.setNotNull(db)
		}
	}
}

// recreateViewsOf drops and recreates the views that read a column whose
// type changes: PostgreSQL refuses to change it under them.
func (b *builder) recreateViewsOf(col *Object) {
	id := col.Schema + "." + col.Table + "." + col.Name
	for _, v := range b.db.sorted() {
		if (v.Kind != KindView && v.Kind != KindMatView) || b.views[v.Schema+"."+v.Name] || !slices.Contains(v.Labels, id) {
			continue
		}
		b.views[v.Schema+"."+v.Name] = true
		b.view(Difference{Kind: v.Kind, Change: Differs, Object: v.ID(), db: v, hist: v})
	}
}

// setNotNull adds NOT NULL without a long scan under an ACCESS EXCLUSIVE
// lock: a NOT VALID check first, validated in a later migration, where SET
// NOT NULL then uses it instead of scanning.
func (b *builder) setNotNull(col *Object) {
	t, c := tableOf(col), sqltext.Ident(col.Name)
	check := sqltext.Ident(sqltext.TruncateIdentifier(col.Table + "_" + col.Name + "_not_null"))
	b.add(phAlterColumn, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID;", t, check, c))
	b.p.validate.steps = append(b.p.validate.steps,
		step{sql: fmt.Sprintf("ALTER TABLE %s VALIDATE CONSTRAINT %s;", t, check)},
		step{sql: fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s SET NOT NULL;", t, c), comment: "-- The validated check lets SET NOT NULL skip its scan."},
		step{sql: fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s;", t, check)})
}

func (b *builder) constraint(d Difference) {
	if d.Change == Missing || d.Change == Differs {
		b.add(phDropConstraint, fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s;", tableOf(d.hist), sqltext.Ident(d.hist.Name)))
	}
	if d.Change == Missing {
		return
	}
	o := d.db
	t, n := tableOf(o), sqltext.Ident(o.Name)
	switch {
	case o.ConType == 'f' || o.ConType == 'c':
		if !o.Valid { // the definition says NOT VALID
			b.add(phConstraint, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s;", t, n, o.Def))
			return
		}
		b.add(phConstraint, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s NOT VALID;", t, n, o.Def))
		b.p.validate.steps = append(b.p.validate.steps, step{sql: fmt.Sprintf("ALTER TABLE %s VALIDATE CONSTRAINT %s;", t, n)})
	case (o.ConType == 'p' || o.ConType == 'u') && o.Extra != "":
		idx, err := concurrently(o.Extra)
		if err != nil {
			b.p.warn("constraint %s: %v", d.Object, err)
			return
		}
		b.p.indexes = append(b.p.indexes, file{suffix: "index_" + o.Name, steps: []step{{sql: idx}}})
		kind := map[byte]string{'p': "PRIMARY KEY", 'u': "UNIQUE"}[o.ConType]
		b.p.validate.steps = append(b.p.validate.steps, step{sql: fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s USING INDEX %s%s;", t, n, kind, n, deferrable(o.Def))})
	default:
		b.add(phConstraint, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s;", t, n, o.Def),
			"-- No online form: this builds its index under a lock that blocks writes to the table.")
		b.p.warn("constraint %s (%s) has no online form: adding it blocks writes to %s while its index builds", d.Object, o.Def, t)
	}
}

// deferrable returns the DEFERRABLE clause a constraint definition ends
// with, read from its parse tree.
func deferrable(def string) string {
	tree, err := pg.Parse("ALTER TABLE t ADD CONSTRAINT c " + def)
	if err != nil || len(tree.Stmts) != 1 {
		return ""
	}
	for _, cmd := range tree.Stmts[0].Stmt.GetAlterTableStmt().GetCmds() {
		if c := cmd.GetAlterTableCmd().GetDef().GetConstraint(); c != nil && c.Deferrable {
			if c.Initdeferred {
				return " DEFERRABLE INITIALLY DEFERRED"
			}
			return " DEFERRABLE"
		}
	}
	return ""
}

// concurrently rewrites the catalog's CREATE INDEX as CREATE INDEX
// CONCURRENTLY through its parse tree.
func concurrently(indexDef string) (string, error) {
	tree, err := pg.Parse(indexDef)
	if err != nil || len(tree.Stmts) != 1 || tree.Stmts[0].Stmt.GetIndexStmt() == nil {
		return "", fmt.Errorf("cannot read the index definition %q", indexDef)
	}
	tree.Stmts[0].Stmt.GetIndexStmt().Concurrent = true
	sql, err := pg.Deparse(tree)
	if err != nil {
		return "", err
	}
	return sql + ";", nil
}

func (b *builder) index(d Difference) {
	if d.Change == Missing || d.Change == Differs {
		h := d.hist
		b.p.drops = append(b.p.drops, file{suffix: "drop_" + h.Name, steps: []step{{
			sql: fmt.Sprintf("DROP INDEX CONCURRENTLY IF EXISTS %s;", qualify(h.Schema, h.Name))}}})
	}
	if d.Change == Missing {
		return
	}
	o := d.db
	if !o.Valid {
		b.p.warn("index %s is INVALID in the database (a CREATE INDEX CONCURRENTLY that failed or was cancelled): it is not written into the history; "+
			"drop it there with DROP INDEX CONCURRENTLY %s, or rebuild it with REINDEX INDEX CONCURRENTLY %s", d.Object, qualify(o.Schema, o.Name), qualify(o.Schema, o.Name))
		return
	}
	if d.newTable {
		b.add(phIndexOnNew, o.Def+";")
		return
	}
	sql, err := concurrently(o.Def)
	if err != nil {
		b.p.warn("index %s: %v", d.Object, err)
		return
	}
	b.p.indexes = append(b.p.indexes, file{suffix: "index_" + o.Name, steps: []step{{sql: sql}}})
}

func (b *builder) view(d Difference) {
	word := "VIEW"
	if d.Kind == KindMatView {
		word = "MATERIALIZED VIEW"
	}
	if d.Change == Missing || d.Change == Differs {
		b.add(phDropView, fmt.Sprintf("DROP %s %s;", word, qualify(d.hist.Schema, d.hist.Name)))
	}
	if d.Change == Missing {
		return
	}
	o := d.db
	b.add(phView, fmt.Sprintf("CREATE %s %s AS\n%s;", word, qualify(o.Schema, o.Name), strings.TrimSuffix(o.Def, ";")))
	if d.Kind == KindMatView {
		for _, k := range b.childrenOf(o) {
			b.diff(Difference{Kind: k.Kind, Change: Extra, Object: k.ID(), Database: k.Def, db: k, newTable: true})
		}
	}
}

func (b *builder) function(d Difference) {
	if d.Change == Missing || (d.Change == Differs && d.db.Extra != d.hist.Extra) {
		b.add(phDropFunction, fmt.Sprintf("DROP %s %s;", strings.ToUpper(d.Kind), d.hist.Schema+"."+quoteSignature(d.hist.Name)))
	}
	if d.Change != Missing {
		b.add(phFunction, strings.TrimSuffix(d.db.Def, ";")+";")
	}
}

// quoteSignature quotes the name of name(args) and keeps the arguments as
// the catalog wrote them.
func quoteSignature(sig string) string {
	i := strings.IndexByte(sig, '(')
	return sqltext.Ident(sig[:i]) + sig[i:]
}

func (b *builder) trigger(d Difference) {
	if d.Change == Missing || d.Change == Differs {
		b.add(phDropTrigger, fmt.Sprintf("DROP TRIGGER %s ON %s;", sqltext.Ident(d.hist.Name), tableOf(d.hist)))
	}
	if d.Change == Missing {
		return
	}
	o := d.db
	b.add(phTrigger, strings.TrimSuffix(o.Def, " (DISABLED)")+";")
	if o.Extra == "D" {
		b.add(phTrigger, fmt.Sprintf("ALTER TABLE %s DISABLE TRIGGER %s;", tableOf(o), sqltext.Ident(o.Name)))
	}
}

func (b *builder) rls(d Difference) {
	o := d.object()
	t := tableOf(o)
	force := d.db != nil && strings.HasSuffix(d.db.Def, "FORCE")
	switch d.Change {
	case Missing:
		b.add(phSecurity, fmt.Sprintf("ALTER TABLE %s NO FORCE ROW LEVEL SECURITY, DISABLE ROW LEVEL SECURITY;", t))
		return
	case Extra:
		b.add(phSecurity, fmt.Sprintf("ALTER TABLE %s ENABLE ROW LEVEL SECURITY;", t))
	}
	if force {
		b.add(phSecurity, fmt.Sprintf("ALTER TABLE %s FORCE ROW LEVEL SECURITY;", t))
	} else if d.Change == Differs {
		b.add(phSecurity, fmt.Sprintf("ALTER TABLE %s NO FORCE ROW LEVEL SECURITY;", t))
	}
}

func (b *builder) policy(d Difference) {
	if d.Change == Missing || d.Change == Differs {
		b.add(phDropPolicy, fmt.Sprintf("DROP POLICY %s ON %s;", sqltext.Ident(d.hist.Name), tableOf(d.hist)))
	}
	if d.Change != Missing {
		b.add(phSecurity, fmt.Sprintf("CREATE POLICY %s ON %s %s;", sqltext.Ident(d.db.Name), tableOf(d.db), d.db.Def))
	}
}

func (b *builder) comment(d Difference) {
	o := d.object()
	text := "NULL"
	if d.db != nil {
		text = sqltext.Literal(d.db.Def)
	}
	b.add(phComment, fmt.Sprintf("COMMENT ON %s IS %s;", o.Extra, text))
}
