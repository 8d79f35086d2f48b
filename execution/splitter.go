package execution

import (
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
)

// Prisma 7.4 and later split a migration.sql into statements with
// sqlparser-rs (PostgreSqlDialect) and fall back to sending the whole file as
// one query when that parser rejects any statement. Which statements it
// rejects was measured, not guessed: scripts/sqlparser-oracle.mjs runs
// sqlparser-rs 0.62 (the npm package @guanmingchiu/sqlparser-ts, the same
// Rust parser as WASM) over the shared Prisma corpora and PostgreSQL's
// regression SQL, and the tables below hold the statement kinds and forms
// it failed on. The test compares this model with that oracle's output.

// unsplittableKinds are statement kinds sqlparser 0.62 never parses.
var unsplittableKinds = map[string]string{
	"DoStmt":                     "DO block",
	"ReindexStmt":                "REINDEX",
	"RuleStmt":                   "CREATE RULE",
	"CreateStatsStmt":            "CREATE STATISTICS",
	"AlterStatsStmt":             "ALTER STATISTICS",
	"GrantRoleStmt":              "GRANT role",
	"CreatePublicationStmt":      "CREATE PUBLICATION",
	"AlterPublicationStmt":       "ALTER PUBLICATION",
	"CreateSubscriptionStmt":     "CREATE SUBSCRIPTION",
	"AlterSubscriptionStmt":      "ALTER SUBSCRIPTION",
	"DropSubscriptionStmt":       "DROP SUBSCRIPTION",
	"AlterDomainStmt":            "ALTER DOMAIN",
	"RefreshMatViewStmt":         "REFRESH MATERIALIZED VIEW",
	"AlterSeqStmt":               "ALTER SEQUENCE",
	"ClusterStmt":                "CLUSTER",
	"CreateForeignTableStmt":     "CREATE FOREIGN TABLE",
	"AlterDefaultPrivilegesStmt": "ALTER DEFAULT PRIVILEGES",
	"CreateUserMappingStmt":      "CREATE USER MAPPING",
	"AlterUserMappingStmt":       "ALTER USER MAPPING",
	"DropUserMappingStmt":        "DROP USER MAPPING",
	"CreateEventTrigStmt":        "CREATE EVENT TRIGGER",
	"AlterEventTrigStmt":         "ALTER EVENT TRIGGER",
	"CreateFdwStmt":              "CREATE FOREIGN DATA WRAPPER",
	"AlterFdwStmt":               "ALTER FOREIGN DATA WRAPPER",
	"AlterForeignServerStmt":     "ALTER SERVER",
	"CreateCastStmt":             "CREATE CAST",
	"DropOwnedStmt":              "DROP OWNED",
	"ReassignOwnedStmt":          "REASSIGN OWNED",
	"ConstraintsSetStmt":         "SET CONSTRAINTS",
	"AlterOperatorStmt":          "ALTER OPERATOR",
	"CreateConversionStmt":       "CREATE CONVERSION",
	"SecLabelStmt":               "SECURITY LABEL",
	"CreateAmStmt":               "CREATE ACCESS METHOD",
	"CreateTableSpaceStmt":       "CREATE TABLESPACE",
	"DropTableSpaceStmt":         "DROP TABLESPACE",
	"AlterTableSpaceOptionsStmt": "ALTER TABLESPACE",
	"AlterTableMoveAllStmt":      "ALTER TABLE ALL IN TABLESPACE",
	"AlterTsconfigurationStmt":   "ALTER TEXT SEARCH CONFIGURATION",
	"AlterTsdictionaryStmt":      "ALTER TEXT SEARCH DICTIONARY",
	"AlterTypeStmt":              "ALTER TYPE ... SET",
	"DropdbStmt":                 "DROP DATABASE",
	"ImportForeignSchemaStmt":    "IMPORT FOREIGN SCHEMA",
	"CheckPointStmt":             "CHECKPOINT",
	"CreatePlangStmt":            "CREATE LANGUAGE",
	"CreateTransformStmt":        "CREATE TRANSFORM",
}

// unsplittableAlterTable are ALTER TABLE actions sqlparser 0.62 rejects.
var unsplittableAlterTable = map[pg.AlterTableType]string{
	pg.AlterTableType_AT_AttachPartition:           "ATTACH PARTITION",
	pg.AlterTableType_AT_DetachPartition:           "DETACH PARTITION",
	pg.AlterTableType_AT_AddInherit:                "INHERIT",
	pg.AlterTableType_AT_DropInherit:               "NO INHERIT",
	pg.AlterTableType_AT_AddOf:                     "OF type",
	pg.AlterTableType_AT_DropOf:                    "NOT OF",
	pg.AlterTableType_AT_AlterConstraint:           "ALTER CONSTRAINT",
	pg.AlterTableType_AT_ClusterOn:                 "CLUSTER ON",
	pg.AlterTableType_AT_DropCluster:               "SET WITHOUT CLUSTER",
	pg.AlterTableType_AT_DropExpression:            "DROP EXPRESSION",
	pg.AlterTableType_AT_DropIdentity:              "DROP IDENTITY",
	pg.AlterTableType_AT_SetIdentity:               "SET GENERATED / SET sequence option",
	pg.AlterTableType_AT_DropOids:                  "SET WITHOUT OIDS",
	pg.AlterTableType_AT_ResetRelOptions:           "RESET (storage parameter)",
	pg.AlterTableType_AT_ResetOptions:              "ALTER COLUMN RESET",
	pg.AlterTableType_AT_SetOptions:                "ALTER COLUMN SET (attribute option)",
	pg.AlterTableType_AT_SetAccessMethod:           "SET ACCESS METHOD",
	pg.AlterTableType_AT_SetCompression:            "SET COMPRESSION",
	pg.AlterTableType_AT_SetLogged:                 "SET LOGGED",
	pg.AlterTableType_AT_SetUnLogged:               "SET UNLOGGED",
	pg.AlterTableType_AT_SetStatistics:             "SET STATISTICS",
	pg.AlterTableType_AT_SetStorage:                "SET STORAGE",
	pg.AlterTableType_AT_SetTableSpace:             "SET TABLESPACE",
	pg.AlterTableType_AT_GenericOptions:            "OPTIONS",
	pg.AlterTableType_AT_AlterColumnGenericOptions: "ALTER COLUMN OPTIONS",
}

// unsplittableDrop are DROP object types sqlparser 0.62 rejects.
var unsplittableDrop = map[pg.ObjectType]bool{
	pg.ObjectType_OBJECT_ACCESS_METHOD: true, pg.ObjectType_OBJECT_AGGREGATE: true, pg.ObjectType_OBJECT_CAST: true,
	pg.ObjectType_OBJECT_CONVERSION: true, pg.ObjectType_OBJECT_EVENT_TRIGGER: true, pg.ObjectType_OBJECT_FDW: true,
	pg.ObjectType_OBJECT_FOREIGN_SERVER: true, pg.ObjectType_OBJECT_FOREIGN_TABLE: true, pg.ObjectType_OBJECT_LANGUAGE: true,
	pg.ObjectType_OBJECT_PUBLICATION: true, pg.ObjectType_OBJECT_ROUTINE: true, pg.ObjectType_OBJECT_RULE: true,
	pg.ObjectType_OBJECT_STATISTIC_EXT: true, pg.ObjectType_OBJECT_TSCONFIGURATION: true,
	pg.ObjectType_OBJECT_TSDICTIONARY: true, pg.ObjectType_OBJECT_TSPARSER: true, pg.ObjectType_OBJECT_TSTEMPLATE: true,
}

// unsplittableComment are COMMENT ON object types sqlparser 0.62 rejects.
var unsplittableComment = map[pg.ObjectType]bool{
	pg.ObjectType_OBJECT_TABCONSTRAINT: true, pg.ObjectType_OBJECT_DOMCONSTRAINT: true, pg.ObjectType_OBJECT_TRIGGER: true,
	pg.ObjectType_OBJECT_FUNCTION: true, pg.ObjectType_OBJECT_AGGREGATE: true, pg.ObjectType_OBJECT_RULE: true,
	pg.ObjectType_OBJECT_OPERATOR: true, pg.ObjectType_OBJECT_CONVERSION: true, pg.ObjectType_OBJECT_FOREIGN_TABLE: true,
	pg.ObjectType_OBJECT_STATISTIC_EXT: true, pg.ObjectType_OBJECT_PUBLICATION: true, pg.ObjectType_OBJECT_SUBSCRIPTION: true,
	pg.ObjectType_OBJECT_EVENT_TRIGGER: true, pg.ObjectType_OBJECT_FDW: true, pg.ObjectType_OBJECT_FOREIGN_SERVER: true,
	pg.ObjectType_OBJECT_LARGEOBJECT: true,
}

// Unsplittable names what Prisma's splitter (sqlparser 0.62) cannot parse in
// a statement, or returns "" when it parses it.
func Unsplittable(n *pg.Node) string {
	kind := kindOf(n)
	if what, ok := unsplittableKinds[kind]; ok {
		return what
	}
	switch s := n.Node.(type) {
	case *pg.Node_DropStmt:
		if s.DropStmt.Concurrent {
			return "DROP INDEX CONCURRENTLY"
		}
		if unsplittableDrop[s.DropStmt.RemoveType] {
			return "DROP " + objectWords(s.DropStmt.RemoveType)
		}
	case *pg.Node_AlterTableStmt:
		return unsplittableAlter(s.AlterTableStmt)
	case *pg.Node_CommentStmt:
		if unsplittableComment[s.CommentStmt.Objtype] {
			return "COMMENT ON " + objectWords(s.CommentStmt.Objtype)
		}
	case *pg.Node_RenameStmt:
		if unsplittableRename[s.RenameStmt.RenameType] {
			return "ALTER " + objectWords(s.RenameStmt.RenameType) + " ... RENAME"
		}
		if s.RenameStmt.RenameType == pg.ObjectType_OBJECT_INDEX && s.RenameStmt.MissingOk {
			return "ALTER INDEX IF EXISTS ... RENAME"
		}
	case *pg.Node_DefineStmt:
		if unsplittableDefine[s.DefineStmt.Kind] {
			return "CREATE " + objectWords(s.DefineStmt.Kind)
		}
	case *pg.Node_VacuumStmt:
		// VACUUM or ANALYZE with options, or of several tables.
		if len(s.VacuumStmt.Options) > 0 && len(s.VacuumStmt.Rels) > 0 || len(s.VacuumStmt.Rels) > 1 {
			return "VACUUM/ANALYZE with options or several tables"
		}
	}
	return ""
}

// unsplittableRename are ALTER ... RENAME object types sqlparser 0.62
// rejects.
var unsplittableRename = map[pg.ObjectType]bool{
	pg.ObjectType_OBJECT_ATTRIBUTE: true, pg.ObjectType_OBJECT_CONVERSION: true, pg.ObjectType_OBJECT_DOMAIN: true,
	pg.ObjectType_OBJECT_DOMCONSTRAINT: true, pg.ObjectType_OBJECT_EVENT_TRIGGER: true, pg.ObjectType_OBJECT_FDW: true,
	pg.ObjectType_OBJECT_FOREIGN_SERVER: true, pg.ObjectType_OBJECT_FOREIGN_TABLE: true, pg.ObjectType_OBJECT_LANGUAGE: true,
	pg.ObjectType_OBJECT_PUBLICATION: true, pg.ObjectType_OBJECT_ROUTINE: true, pg.ObjectType_OBJECT_RULE: true,
	pg.ObjectType_OBJECT_STATISTIC_EXT: true, pg.ObjectType_OBJECT_SUBSCRIPTION: true, pg.ObjectType_OBJECT_TABLESPACE: true,
	pg.ObjectType_OBJECT_TRIGGER: true, pg.ObjectType_OBJECT_TSCONFIGURATION: true, pg.ObjectType_OBJECT_TSDICTIONARY: true,
	pg.ObjectType_OBJECT_TSPARSER: true, pg.ObjectType_OBJECT_TSTEMPLATE: true, pg.ObjectType_OBJECT_VIEW: true,
}

// unsplittableDefine are CREATE AGGREGATE and the text search objects,
// which sqlparser 0.62 rejects.
var unsplittableDefine = map[pg.ObjectType]bool{
	pg.ObjectType_OBJECT_AGGREGATE: true, pg.ObjectType_OBJECT_TSDICTIONARY: true, pg.ObjectType_OBJECT_TSCONFIGURATION: true,
	pg.ObjectType_OBJECT_TSTEMPLATE: true, pg.ObjectType_OBJECT_TSPARSER: true,
}

func unsplittableAlter(a *pg.AlterTableStmt) string {
	switch a.Objtype {
	case pg.ObjectType_OBJECT_TABLE:
	case pg.ObjectType_OBJECT_INDEX:
		return "ALTER INDEX (other than RENAME)"
	default:
		return "ALTER " + objectWords(a.Objtype)
	}
	for _, c := range a.Cmds {
		cmd := c.GetAlterTableCmd()
		if cmd == nil {
			continue
		}
		if what, ok := unsplittableAlterTable[cmd.Subtype]; ok {
			return "ALTER TABLE ... " + what
		}
		if k := cmd.Def.GetConstraint(); k != nil && (k.IsNoInherit || k.Contype == pg.ConstrType_CONSTR_EXCLUSION) {
			return "ALTER TABLE ... ADD CONSTRAINT (NO INHERIT or EXCLUDE)"
		}
	}
	return ""
}

// kindOf is the node's type name, as "DoStmt".
func kindOf(n *pg.Node) string {
	m := n.ProtoReflect()
	fd := m.WhichOneof(m.Descriptor().Oneofs().Get(0))
	if fd == nil || fd.Message() == nil {
		return ""
	}
	return string(fd.Message().Name())
}

// objectWords spells an object type as SQL does: OBJECT_FOREIGN_TABLE is
// "FOREIGN TABLE".
func objectWords(t pg.ObjectType) string {
	w := strings.TrimPrefix(t.String(), "OBJECT_")
	switch w {
	case "FDW":
		return "FOREIGN DATA WRAPPER"
	case "FOREIGN_SERVER":
		return "SERVER"
	case "TABCONSTRAINT", "DOMCONSTRAINT":
		return "CONSTRAINT"
	case "STATISTIC_EXT":
		return "STATISTICS"
	case "TSCONFIGURATION":
		return "TEXT SEARCH CONFIGURATION"
	case "TSDICTIONARY":
		return "TEXT SEARCH DICTIONARY"
	case "TSPARSER":
		return "TEXT SEARCH PARSER"
	case "TSTEMPLATE":
		return "TEXT SEARCH TEMPLATE"
	case "MATVIEW":
		return "MATERIALIZED VIEW"
	case "LARGEOBJECT":
		return "LARGE OBJECT"
	}
	return strings.ReplaceAll(w, "_", " ")
}
