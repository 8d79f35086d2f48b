package locks

import (
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"

	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/pgast"
)

// Catalog is what the model looks up in the replayed schema: the table an
// index belongs to, and a table's foreign keys. *catalog.Catalog implements
// it.
type Catalog interface {
	Table(catalog.Name) *catalog.Table
	Index(catalog.Name) *catalog.Index
}

// statementModes is the lock each kind of statement takes on the relation
// it names. The keys are also the locks' Why. Sources, in the PostgreSQL
// documentation: "Explicit Locking", 13.3.1 Table-Level Locks (each mode's
// "Acquired by ..."), and the reference pages of CREATE INDEX, DROP INDEX,
// REINDEX, CLUSTER, VACUUM, TRUNCATE, LOCK, REFRESH MATERIALIZED VIEW, ALTER
// INDEX ("RENAME ... SHARE UPDATE EXCLUSIVE") and CREATE TABLE
// ("PARTITION OF ... ACCESS EXCLUSIVE lock on the parent").
var statementModes = map[string]Mode{
	"SELECT":                                 AccessShare,
	"SELECT ... FOR UPDATE/SHARE":            RowShare,
	"INSERT":                                 RowExclusive,
	"UPDATE":                                 RowExclusive,
	"DELETE":                                 RowExclusive,
	"MERGE":                                  RowExclusive,
	"COPY ... FROM":                          RowExclusive,
	"COPY ... TO":                            AccessShare,
	"CREATE INDEX":                           Share,
	"CREATE INDEX CONCURRENTLY":              ShareUpdateExclusive,
	"DROP INDEX":                             AccessExclusive, // on the table and the index
	"DROP INDEX CONCURRENTLY":                ShareUpdateExclusive,
	"DROP TABLE":                             AccessExclusive,
	"DROP TABLE of a table referencing it":   AccessExclusive, // its foreign keys' triggers are dropped there
	"DROP VIEW":                              AccessExclusive,
	"DROP MATERIALIZED VIEW":                 AccessExclusive,
	"DROP TRIGGER":                           AccessExclusive,
	"DROP POLICY":                            AccessExclusive,
	"DROP RULE":                              AccessExclusive,
	"TRUNCATE":                               AccessExclusive,
	"VACUUM":                                 ShareUpdateExclusive,
	"VACUUM FULL":                            AccessExclusive,
	"ANALYZE":                                ShareUpdateExclusive,
	"CLUSTER":                                AccessExclusive,
	"REINDEX":                                Share, // on the table; the indexes rebuilt get REINDEX (index)
	"REINDEX (index)":                        AccessExclusive,
	"REINDEX CONCURRENTLY":                   ShareUpdateExclusive, // on the table and its indexes
	"LOCK TABLE":                             AccessExclusive,      // without IN ... MODE
	"REFRESH MATERIALIZED VIEW":              AccessExclusive,
	"REFRESH MATERIALIZED VIEW CONCURRENTLY": Exclusive,
	"CREATE TRIGGER":                         ShareRowExclusive,
	"CREATE POLICY":                          AccessExclusive,
	"ALTER POLICY":                           AccessExclusive,
	"CREATE RULE":                            AccessExclusive,
	"CREATE STATISTICS":                      ShareUpdateExclusive,
	"COMMENT ON":                             ShareUpdateExclusive,
	"ALTER TABLE ... RENAME":                 AccessExclusive,
	"ALTER INDEX ... RENAME":                 ShareUpdateExclusive, // PostgreSQL 12 and later
	"CREATE TABLE ... PARTITION OF":          AccessExclusive,      // on the parent
	"CREATE TABLE ... INHERITS":              ShareUpdateExclusive, // on the parents
	"a new foreign key referencing it":       ShareRowExclusive,    // a new foreign key's triggers go there
}

// alterForm is one kind of ALTER TABLE subcommand.
type alterForm struct {
	name string
	mode Mode
}

// alterForms is each ALTER TABLE subcommand's lock on the table, from the
// ALTER TABLE reference page ("An ACCESS EXCLUSIVE lock is acquired unless
// explicitly noted", then each form's own lock level, and its Notes on ADD
// FOREIGN KEY and VALIDATE CONSTRAINT), which AlterTableGetLockLevel in
// PostgreSQL's src/backend/commands/tablecmds.c implements. A statement
// takes the strongest mode of its subcommands, and at least SHARE UPDATE
// EXCLUSIVE. Forms not listed take ACCESS EXCLUSIVE. ADD CONSTRAINT,
// SET/RESET (storage parameters) and DETACH PARTITION depend on their
// arguments: see alterCmdMode.
var alterForms = map[pg.AlterTableType]alterForm{
	pg.AlterTableType_AT_AddColumn:                 {"ADD COLUMN", AccessExclusive},
	pg.AlterTableType_AT_ColumnDefault:             {"ALTER COLUMN ... SET/DROP DEFAULT", AccessExclusive},
	pg.AlterTableType_AT_DropNotNull:               {"ALTER COLUMN ... DROP NOT NULL", AccessExclusive},
	pg.AlterTableType_AT_SetNotNull:                {"ALTER COLUMN ... SET NOT NULL", AccessExclusive},
	pg.AlterTableType_AT_SetExpression:             {"ALTER COLUMN ... SET EXPRESSION", AccessExclusive},
	pg.AlterTableType_AT_DropExpression:            {"ALTER COLUMN ... DROP EXPRESSION", AccessExclusive},
	pg.AlterTableType_AT_SetStatistics:             {"ALTER COLUMN ... SET STATISTICS", ShareUpdateExclusive},
	pg.AlterTableType_AT_SetOptions:                {"ALTER COLUMN ... SET (attribute option)", ShareUpdateExclusive},
	pg.AlterTableType_AT_ResetOptions:              {"ALTER COLUMN ... RESET (attribute option)", ShareUpdateExclusive},
	pg.AlterTableType_AT_SetStorage:                {"ALTER COLUMN ... SET STORAGE", AccessExclusive},
	pg.AlterTableType_AT_SetCompression:            {"ALTER COLUMN ... SET COMPRESSION", AccessExclusive},
	pg.AlterTableType_AT_DropColumn:                {"DROP COLUMN", AccessExclusive},
	pg.AlterTableType_AT_AddConstraint:             {"ADD CONSTRAINT", AccessExclusive},
	pg.AlterTableType_AT_AlterConstraint:           {"ALTER CONSTRAINT", AccessExclusive},
	pg.AlterTableType_AT_ValidateConstraint:        {"VALIDATE CONSTRAINT", ShareUpdateExclusive},
	pg.AlterTableType_AT_DropConstraint:            {"DROP CONSTRAINT", AccessExclusive},
	pg.AlterTableType_AT_AlterColumnType:           {"ALTER COLUMN ... TYPE", AccessExclusive},
	pg.AlterTableType_AT_ChangeOwner:               {"OWNER TO", AccessExclusive},
	pg.AlterTableType_AT_ClusterOn:                 {"CLUSTER ON", ShareUpdateExclusive},
	pg.AlterTableType_AT_DropCluster:               {"SET WITHOUT CLUSTER", ShareUpdateExclusive},
	pg.AlterTableType_AT_SetLogged:                 {"SET LOGGED", AccessExclusive},
	pg.AlterTableType_AT_SetUnLogged:               {"SET UNLOGGED", AccessExclusive},
	pg.AlterTableType_AT_SetAccessMethod:           {"SET ACCESS METHOD", AccessExclusive},
	pg.AlterTableType_AT_SetTableSpace:             {"SET TABLESPACE", AccessExclusive},
	pg.AlterTableType_AT_SetRelOptions:             {"SET (storage parameter)", AccessExclusive},
	pg.AlterTableType_AT_ResetRelOptions:           {"RESET (storage parameter)", AccessExclusive},
	pg.AlterTableType_AT_EnableTrig:                {"ENABLE TRIGGER", ShareRowExclusive},
	pg.AlterTableType_AT_EnableAlwaysTrig:          {"ENABLE ALWAYS TRIGGER", ShareRowExclusive},
	pg.AlterTableType_AT_EnableReplicaTrig:         {"ENABLE REPLICA TRIGGER", ShareRowExclusive},
	pg.AlterTableType_AT_DisableTrig:               {"DISABLE TRIGGER", ShareRowExclusive},
	pg.AlterTableType_AT_EnableTrigAll:             {"ENABLE TRIGGER ALL", ShareRowExclusive},
	pg.AlterTableType_AT_DisableTrigAll:            {"DISABLE TRIGGER ALL", ShareRowExclusive},
	pg.AlterTableType_AT_EnableTrigUser:            {"ENABLE TRIGGER USER", ShareRowExclusive},
	pg.AlterTableType_AT_DisableTrigUser:           {"DISABLE TRIGGER USER", ShareRowExclusive},
	pg.AlterTableType_AT_ReplicaIdentity:           {"REPLICA IDENTITY", AccessExclusive},
	pg.AlterTableType_AT_EnableRowSecurity:         {"ENABLE ROW LEVEL SECURITY", AccessExclusive},
	pg.AlterTableType_AT_DisableRowSecurity:        {"DISABLE ROW LEVEL SECURITY", AccessExclusive},
	pg.AlterTableType_AT_AttachPartition:           {"ATTACH PARTITION", ShareUpdateExclusive},
	pg.AlterTableType_AT_DetachPartition:           {"DETACH PARTITION", AccessExclusive},
	pg.AlterTableType_AT_DetachPartitionFinalize:   {"DETACH PARTITION ... FINALIZE", ShareUpdateExclusive},
	pg.AlterTableType_AT_AddIdentity:               {"ALTER COLUMN ... ADD GENERATED AS IDENTITY", AccessExclusive},
	pg.AlterTableType_AT_SetIdentity:               {"ALTER COLUMN ... SET (identity option)", AccessExclusive},
	pg.AlterTableType_AT_DropIdentity:              {"ALTER COLUMN ... DROP IDENTITY", AccessExclusive},
	pg.AlterTableType_AT_AddInherit:                {"INHERIT", AccessExclusive},
	pg.AlterTableType_AT_DropInherit:               {"NO INHERIT", AccessExclusive},
	pg.AlterTableType_AT_AlterColumnGenericOptions: {"ALTER COLUMN ... OPTIONS", AccessExclusive},
	pg.AlterTableType_AT_GenericOptions:            {"OPTIONS", AccessExclusive},
}

// minAlterMode is the least any ALTER TABLE takes: catalog changes are not
// allowed to run concurrently.
const minAlterMode = ShareUpdateExclusive

// sueStorageParams are the storage parameters whose change takes only SHARE
// UPDATE EXCLUSIVE (ALTER TABLE, SET ( storage_parameter ... ): fillfactor,
// toast and autovacuum parameters, parallel_workers; the lock levels
// declared in src/backend/access/common/reloptions.c). Any other parameter
// takes ACCESS EXCLUSIVE. Names starting with autovacuum_ are all included.
var sueStorageParams = map[string]bool{
	"fillfactor": true, "toast_tuple_target": true, "parallel_workers": true, "vacuum_index_cleanup": true,
	"vacuum_truncate": true, "log_autovacuum_min_duration": true, "pages_per_range": true, "autosummarize": true,
	"gin_pending_list_limit": true, "deduplicate_items": true,
}

// Of returns the locks a statement takes on existing relations, strongest
// first for each table. Relations the statement creates are left out. cat
// resolves indexes to their tables and finds foreign keys; locks on a table
// it cannot resolve have a zero Table.
func Of(n *pg.Node, cat Catalog) []Lock {
	var ls lockList
	switch s := n.Node.(type) {
	case *pg.Node_AlterTableStmt:
		ls.alterTable(s.AlterTableStmt, cat)
	case *pg.Node_IndexStmt:
		kind := "CREATE INDEX"
		if s.IndexStmt.Concurrent {
			kind += " CONCURRENTLY"
		}
		ls.table(rangeName(s.IndexStmt.Relation), kind)
	case *pg.Node_DropStmt:
		ls.drop(s.DropStmt, cat)
	case *pg.Node_RenameStmt:
		ls.rename(s.RenameStmt, cat)
	case *pg.Node_TruncateStmt:
		ls.tables(s.TruncateStmt.Relations, "TRUNCATE")
	case *pg.Node_VacuumStmt:
		ls.vacuum(s.VacuumStmt)
	case *pg.Node_ClusterStmt:
		if s.ClusterStmt.Relation != nil {
			ls.table(rangeName(s.ClusterStmt.Relation), "CLUSTER")
		}
	case *pg.Node_ReindexStmt:
		ls.reindex(s.ReindexStmt, cat)
	case *pg.Node_LockStmt:
		for _, r := range s.LockStmt.Relations {
			ls.add(Lock{Table: rangeName(r.GetRangeVar()), Mode: Mode(s.LockStmt.Mode),
				Why: "LOCK TABLE ... IN " + Mode(s.LockStmt.Mode).String() + " MODE"})
		}
	case *pg.Node_RefreshMatViewStmt:
		kind := "REFRESH MATERIALIZED VIEW"
		if s.RefreshMatViewStmt.Concurrent {
			kind += " CONCURRENTLY"
		}
		ls.table(rangeName(s.RefreshMatViewStmt.Relation), kind)
	case *pg.Node_CreateStmt:
		ls.createTable(s.CreateStmt)
	case *pg.Node_CreateTrigStmt:
		ls.table(rangeName(s.CreateTrigStmt.Relation), "CREATE TRIGGER")
	case *pg.Node_CreatePolicyStmt:
		ls.table(rangeName(s.CreatePolicyStmt.Table), "CREATE POLICY")
	case *pg.Node_AlterPolicyStmt:
		ls.table(rangeName(s.AlterPolicyStmt.Table), "ALTER POLICY")
	case *pg.Node_RuleStmt:
		ls.table(rangeName(s.RuleStmt.Relation), "CREATE RULE")
	case *pg.Node_CreateStatsStmt:
		ls.tables(s.CreateStatsStmt.Relations, "CREATE STATISTICS")
	case *pg.Node_CommentStmt:
		ls.comment(s.CommentStmt)
	default:
		ls.dml(n)
	}
	return ls.sorted()
}

// lockList collects a statement's locks.
type lockList []Lock

func (ls *lockList) add(l Lock) { *ls = append(*ls, l) }

// table locks one table in the mode of a statement kind.
func (ls *lockList) table(t catalog.Name, kind string) {
	ls.add(Lock{Table: t, Mode: statementModes[kind], Why: kind})
}

// tables locks each RangeVar of a list.
func (ls *lockList) tables(list []*pg.Node, kind string) {
	for _, n := range list {
		if rv := n.GetRangeVar(); rv != nil {
			ls.table(rangeName(rv), kind)
		}
	}
}

// sorted returns the locks with duplicates merged, each table's strongest
// lock first, tables in order of first appearance.
func (ls lockList) sorted() []Lock {
	var out []Lock
	for _, t := range Tables(ls) {
		var mine []Lock
		for _, l := range ls {
			if l.Table == t && !containsLock(mine, l) {
				mine = append(mine, l)
			}
		}
		for i := 1; i < len(mine); i++ { // stable insertion sort, strongest first
			for j := i; j > 0 && mine[j].Mode > mine[j-1].Mode; j-- {
				mine[j], mine[j-1] = mine[j-1], mine[j]
			}
		}
		out = append(out, mine...)
	}
	return out
}

func containsLock(list []Lock, l Lock) bool {
	for _, m := range list {
		if m.Table == l.Table && m.Target == l.Target && m.Index == l.Index && m.Mode == l.Mode {
			return true
		}
	}
	return false
}

func (ls *lockList) alterTable(s *pg.AlterTableStmt, cat Catalog) {
	if s.Relation == nil {
		return
	}
	rel := rangeName(s.Relation)
	mode, why := minAlterMode, "ALTER TABLE"
	var extra lockList
	for _, n := range s.Cmds {
		cmd := n.GetAlterTableCmd()
		if cmd == nil {
			continue
		}
		m, name := alterCmdMode(cmd)
		if m > mode || why == "ALTER TABLE" && m == mode {
			mode, why = m, "ALTER TABLE ... "+name
		}
		if s.Objtype == pg.ObjectType_OBJECT_TABLE {
			extra.alterCmdOthers(rel, cmd, cat)
		}
	}
	switch s.Objtype {
	case pg.ObjectType_OBJECT_INDEX:
		ls.add(Lock{Table: indexTable(cat, rel), Target: OnIndex, Index: rel, Mode: mode,
			Why: strings.Replace(why, "ALTER TABLE", "ALTER INDEX", 1)})
	default:
		ls.add(Lock{Table: rel, Mode: mode, Why: why})
	}
	*ls = append(*ls, extra...)
}

// alterCmdMode is the lock one ALTER TABLE subcommand needs on the table,
// and the subcommand's name.
func alterCmdMode(cmd *pg.AlterTableCmd) (Mode, string) {
	f, ok := alterForms[cmd.Subtype]
	if !ok {
		return AccessExclusive, strings.TrimPrefix(cmd.Subtype.String(), "AT_")
	}
	switch cmd.Subtype {
	case pg.AlterTableType_AT_AddConstraint:
		k := cmd.Def.GetConstraint()
		if k.GetContype() == pg.ConstrType_CONSTR_FOREIGN {
			return ShareRowExclusive, "ADD FOREIGN KEY"
		}
		return AccessExclusive, "ADD " + constraintKind(k)
	case pg.AlterTableType_AT_SetRelOptions, pg.AlterTableType_AT_ResetRelOptions:
		return storageParamsMode(cmd.Def.GetList().GetItems()), f.name
	case pg.AlterTableType_AT_DetachPartition:
		if cmd.Def.GetPartitionCmd().GetConcurrent() {
			return ShareUpdateExclusive, "DETACH PARTITION ... CONCURRENTLY"
		}
	}
	return f.mode, f.name
}

// constraintKind names a table constraint's kind as ADD writes it.
func constraintKind(k *pg.Constraint) string {
	switch k.GetContype() {
	case pg.ConstrType_CONSTR_PRIMARY:
		return "PRIMARY KEY"
	case pg.ConstrType_CONSTR_UNIQUE:
		return "UNIQUE"
	case pg.ConstrType_CONSTR_EXCLUSION:
		return "EXCLUDE"
	case pg.ConstrType_CONSTR_CHECK:
		return "CHECK"
	case pg.ConstrType_CONSTR_FOREIGN:
		return "FOREIGN KEY"
	}
	return "CONSTRAINT"
}

// storageParamsMode is the lock SET/RESET (param, ...) needs: the strongest
// of its parameters'.
func storageParamsMode(params []*pg.Node) Mode {
	mode := ShareUpdateExclusive
	for _, p := range params {
		d := p.GetDefElem()
		if d == nil || !sueStorageParams[d.Defname] && !strings.HasPrefix(d.Defname, "autovacuum_") {
			mode = AccessExclusive
		}
	}
	return mode
}

// alterCmdOthers adds the locks a subcommand takes on relations other than
// the altered table: the referenced table of a foreign key added, validated
// or dropped, and the partition attached or detached.
func (ls *lockList) alterCmdOthers(rel catalog.Name, cmd *pg.AlterTableCmd, cat Catalog) {
	switch cmd.Subtype {
	case pg.AlterTableType_AT_AddConstraint:
		ls.references(rel, cmd.Def.GetConstraint())
	case pg.AlterTableType_AT_AddColumn:
		if d := cmd.Def.GetColumnDef(); d != nil {
			for _, k := range d.Constraints {
				ls.references(rel, k.GetConstraint())
			}
		}
	case pg.AlterTableType_AT_ValidateConstraint:
		if k := constraint(cat, rel, cmd.Name); k != nil && k.Kind == catalog.ForeignKey && k.RefTable != rel {
			// ALTER TABLE, Notes: "a ROW SHARE lock is also required on the table referenced by the constraint"
			ls.add(Lock{Table: k.RefTable, Mode: RowShare, Why: "VALIDATE CONSTRAINT of a foreign key referencing it"})
		}
	case pg.AlterTableType_AT_DropConstraint:
		if k := constraint(cat, rel, cmd.Name); k != nil && k.Kind == catalog.ForeignKey && k.RefTable != rel {
			ls.add(Lock{Table: k.RefTable, Mode: AccessExclusive, Why: "DROP CONSTRAINT of a foreign key referencing it"})
		}
	case pg.AlterTableType_AT_DropColumn:
		if t := table(cat, rel); t != nil {
			for _, k := range t.Constraints {
				if k.Kind == catalog.ForeignKey && k.RefTable != rel && contains(k.Columns, cmd.Name) {
					ls.add(Lock{Table: k.RefTable, Mode: AccessExclusive, Why: "DROP COLUMN of a foreign key referencing it"})
				}
			}
		}
	case pg.AlterTableType_AT_AttachPartition, pg.AlterTableType_AT_DetachPartition:
		if part := cmd.Def.GetPartitionCmd().GetName(); part != nil {
			name := "ATTACH PARTITION of it"
			if cmd.Subtype == pg.AlterTableType_AT_DetachPartition {
				name = "DETACH PARTITION of it"
			}
			ls.add(Lock{Table: rangeName(part), Mode: AccessExclusive, Why: name})
		}
	}
}

// references adds the SHARE ROW EXCLUSIVE lock a new foreign key takes on
// the table it references (ALTER TABLE, Notes).
func (ls *lockList) references(rel catalog.Name, k *pg.Constraint) {
	if k.GetContype() != pg.ConstrType_CONSTR_FOREIGN || k.Pktable == nil {
		return
	}
	if ref := rangeName(k.Pktable); ref != rel {
		ls.table(ref, "a new foreign key referencing it")
	}
}

func (ls *lockList) drop(s *pg.DropStmt, cat Catalog) {
	for _, obj := range s.Objects {
		names := objectNames(obj)
		if len(names) == 0 {
			continue
		}
		name := qualify(names)
		switch s.RemoveType {
		case pg.ObjectType_OBJECT_TABLE:
			ls.table(name, "DROP TABLE")
			if t := table(cat, name); t != nil {
				for _, k := range t.Constraints {
					if k.Kind == catalog.ForeignKey && k.RefTable != name {
						ls.table(k.RefTable, "DROP TABLE of a table referencing it")
					}
				}
			}
		case pg.ObjectType_OBJECT_VIEW:
			ls.table(name, "DROP VIEW")
		case pg.ObjectType_OBJECT_MATVIEW:
			ls.table(name, "DROP MATERIALIZED VIEW")
		case pg.ObjectType_OBJECT_INDEX:
			kind := "DROP INDEX"
			if s.Concurrent {
				kind += " CONCURRENTLY"
			}
			t := indexTable(cat, name)
			ls.add(Lock{Table: t, Mode: statementModes[kind], Why: kind})
			ls.add(Lock{Table: t, Target: OnIndex, Index: name, Mode: statementModes[kind], Why: kind})
		case pg.ObjectType_OBJECT_TRIGGER, pg.ObjectType_OBJECT_POLICY, pg.ObjectType_OBJECT_RULE:
			if len(names) > 1 { // [schema.]table.name
				kind := "DROP " + strings.TrimPrefix(s.RemoveType.String(), "OBJECT_")
				ls.table(qualify(names[:len(names)-1]), kind)
			}
		}
	}
}

func (ls *lockList) rename(s *pg.RenameStmt, cat Catalog) {
	if s.Relation == nil {
		return
	}
	rel := rangeName(s.Relation)
	if s.RenameType == pg.ObjectType_OBJECT_INDEX {
		kind := "ALTER INDEX ... RENAME"
		ls.add(Lock{Table: indexTable(cat, rel), Target: OnIndex, Index: rel, Mode: statementModes[kind], Why: kind})
		return
	}
	ls.table(rel, "ALTER TABLE ... RENAME")
}

func (ls *lockList) vacuum(s *pg.VacuumStmt) {
	kind := "ANALYZE"
	if s.IsVacuumcmd {
		kind = "VACUUM"
		for _, o := range s.Options {
			if d := o.GetDefElem(); d != nil && d.Defname == "full" && OptionOn(d) {
				kind = "VACUUM FULL"
			}
		}
	}
	for _, r := range s.Rels {
		if v := r.GetVacuumRelation(); v != nil && v.Relation != nil {
			ls.table(rangeName(v.Relation), kind)
		}
	}
}

// OptionOn reports whether a boolean option of VACUUM, REINDEX and the
// like is on: `FULL`, `FULL true`, `FULL 1`, `FULL on`.
func OptionOn(d *pg.DefElem) bool {
	switch {
	case d.Arg == nil:
		return true
	case d.Arg.GetBoolean() != nil:
		return d.Arg.GetBoolean().Boolval
	case d.Arg.GetInteger() != nil:
		return d.Arg.GetInteger().Ival != 0
	case d.Arg.GetString_() != nil:
		v := strings.ToLower(d.Arg.GetString_().Sval)
		return v == "true" || v == "on" || v == "1" || v == "yes"
	}
	return true
}

func (ls *lockList) reindex(s *pg.ReindexStmt, cat Catalog) {
	if s.Relation == nil {
		return // SCHEMA, DATABASE, SYSTEM: every table, which the model does not list
	}
	rel := rangeName(s.Relation)
	concurrent := false
	for _, p := range s.Params {
		if d := p.GetDefElem(); d != nil && d.Defname == "concurrently" && OptionOn(d) {
			concurrent = true
		}
	}
	tableKind, indexKind := "REINDEX", "REINDEX (index)"
	if concurrent {
		tableKind, indexKind = "REINDEX CONCURRENTLY", "REINDEX CONCURRENTLY"
	}
	switch s.Kind {
	case pg.ReindexObjectType_REINDEX_OBJECT_INDEX:
		t := indexTable(cat, rel)
		ls.add(Lock{Table: t, Mode: statementModes[tableKind], Why: tableKind})
		ls.add(Lock{Table: t, Target: OnIndex, Index: rel, Mode: statementModes[indexKind], Why: indexKind})
	case pg.ReindexObjectType_REINDEX_OBJECT_TABLE:
		ls.table(rel, tableKind)
		ls.add(Lock{Table: rel, Target: OnIndexes, Mode: statementModes[indexKind], Why: indexKind})
	}
}

func (ls *lockList) createTable(s *pg.CreateStmt) {
	rel := rangeName(s.Relation)
	kind := "CREATE TABLE ... INHERITS"
	if s.Partbound != nil {
		kind = "CREATE TABLE ... PARTITION OF"
	}
	ls.tables(s.InhRelations, kind)
	for _, e := range s.TableElts {
		if k := e.GetConstraint(); k != nil {
			ls.references(rel, k)
		}
		if d := e.GetColumnDef(); d != nil {
			for _, k := range d.Constraints {
				ls.references(rel, k.GetConstraint())
			}
		}
	}
}

func (ls *lockList) comment(s *pg.CommentStmt) {
	names := objectNames(s.Object)
	switch {
	case s.Objtype == pg.ObjectType_OBJECT_TABLE && len(names) > 0:
		ls.table(qualify(names), "COMMENT ON")
	case s.Objtype == pg.ObjectType_OBJECT_COLUMN && len(names) > 1:
		ls.table(qualify(names[:len(names)-1]), "COMMENT ON")
	}
}

// dml handles the statements that read and write rows: the target table
// gets ROW EXCLUSIVE, every other table the statement reads ACCESS SHARE
// (ROW SHARE under FOR UPDATE/SHARE).
func (ls *lockList) dml(n *pg.Node) {
	var target *pg.RangeVar
	kind := ""
	switch s := n.Node.(type) {
	case *pg.Node_InsertStmt:
		target, kind = s.InsertStmt.Relation, "INSERT"
	case *pg.Node_UpdateStmt:
		target, kind = s.UpdateStmt.Relation, "UPDATE"
	case *pg.Node_DeleteStmt:
		target, kind = s.DeleteStmt.Relation, "DELETE"
	case *pg.Node_MergeStmt:
		target, kind = s.MergeStmt.Relation, "MERGE"
	case *pg.Node_CopyStmt:
		target, kind = s.CopyStmt.Relation, "COPY ... TO"
		if s.CopyStmt.IsFrom {
			kind = "COPY ... FROM"
		}
	case *pg.Node_SelectStmt, *pg.Node_CreateTableAsStmt, *pg.Node_ViewStmt:
	default:
		return
	}
	if target != nil {
		ls.table(rangeName(target), kind)
	}
	read := "SELECT"
	if sel := n.GetSelectStmt(); sel != nil && len(sel.LockingClause) > 0 {
		read = "SELECT ... FOR UPDATE/SHARE"
	}
	skip := map[*pg.RangeVar]bool{target: true}
	rvs, ctes := ls.nestedWrites(n, target, skip)
	if ct := n.GetCreateTableAsStmt(); ct != nil && ct.Into != nil {
		skip[ct.Into.Rel] = true
	}
	if v := n.GetViewStmt(); v != nil {
		skip[v.View] = true
	}
	for _, t := range readTables(rvs, ctes, skip) {
		ls.table(t, read)
	}
}

// nestedWrites adds the targets of the INSERT, UPDATE, DELETE and MERGE
// inside a statement's WITH queries (data-modifying CTEs), which write their
// tables, and marks them so they are not counted as reads. It returns the
// statement's RangeVars and WITH query names for readTables, found in the
// same walk of the tree: protobuf reflection makes each walk costly.
func (ls *lockList) nestedWrites(n *pg.Node, top *pg.RangeVar, skip map[*pg.RangeVar]bool) (rvs []*pg.RangeVar, ctes map[string]bool) {
	ctes = map[string]bool{}
	pgast.WalkMessages(n, func(m proto.Message) {
		var rv *pg.RangeVar
		kind := ""
		switch v := m.(type) {
		case *pg.RangeVar:
			rvs = append(rvs, v)
		case *pg.CommonTableExpr:
			ctes[v.Ctename] = true
		case *pg.InsertStmt:
			rv, kind = v.Relation, "INSERT"
		case *pg.UpdateStmt:
			rv, kind = v.Relation, "UPDATE"
		case *pg.DeleteStmt:
			rv, kind = v.Relation, "DELETE"
		case *pg.MergeStmt:
			rv, kind = v.Relation, "MERGE"
		}
		if rv != nil && rv != top {
			ls.table(rangeName(rv), kind)
			skip[rv] = true
		}
	})
	return rvs, ctes
}

// readTables returns the tables the RangeVars name, except those in skip
// and references to the statement's WITH queries.
func readTables(rvs []*pg.RangeVar, ctes map[string]bool, skip map[*pg.RangeVar]bool) []catalog.Name {
	var out []catalog.Name
	for _, rv := range rvs {
		if skip[rv] || rv.Schemaname == "" && ctes[rv.Relname] {
			continue
		}
		out = append(out, rangeName(rv))
	}
	return out
}

// indexTable returns the table of an index, or a zero Name when cat does
// not know the index.
func indexTable(cat Catalog, index catalog.Name) catalog.Name {
	if cat == nil {
		return catalog.Name{}
	}
	if ix := cat.Index(index); ix != nil {
		return ix.Table
	}
	return catalog.Name{}
}

func table(cat Catalog, n catalog.Name) *catalog.Table {
	if cat == nil {
		return nil
	}
	return cat.Table(n)
}

func constraint(cat Catalog, rel catalog.Name, name string) *catalog.Constraint {
	if t := table(cat, rel); t != nil {
		return t.Constraint(name)
	}
	return nil
}

func rangeName(rv *pg.RangeVar) catalog.Name {
	if rv == nil {
		return catalog.Name{}
	}
	return catalog.RangeName(rv)
}

// objectNames returns the name parts of a DROP or COMMENT target.
func objectNames(obj *pg.Node) []string {
	var items []*pg.Node
	if l := obj.GetList(); l != nil {
		items = l.Items
	} else {
		items = []*pg.Node{obj}
	}
	var out []string
	for _, it := range items {
		if s := it.GetString_(); s != nil {
			out = append(out, s.Sval)
		}
	}
	return out
}

func qualify(parts []string) catalog.Name {
	nodes := make([]*pg.Node, len(parts))
	for i, p := range parts {
		nodes[i] = pg.MakeStrNode(p)
	}
	return catalog.QualifiedName(nodes)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
