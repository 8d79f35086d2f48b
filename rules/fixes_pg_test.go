package rules_test

// TestFixesOnPostgres runs the fix of every finding of every rule's
// table-driven cases on a real server, as a user pasting it would: after the
// case's history, on tables holding rows.

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/sqlfile"
	"github.com/migrate-guard/migrate-guard/trace"
)

// caseTests are the tests that give runCases their cases; the harness calls
// them with collecting set, which only gathers the cases.
// TestCaseTestsListed keeps the list complete.
var caseTests = []func(*testing.T){
	TestAddEnumValueUnordered, TestAddingIdentityColumn, TestAddingRequiredColumn, TestAddingSerialColumn,
	TestAddingStoredGeneratedColumn, TestBackfillInMigration, TestColumnTypeRewrite, TestConstraintMissingNotValid,
	TestDropAddRename, TestDropCascade, TestDropColumn, TestDropDatabase, TestDropForeignKey, TestDropNotNull,
	TestDropPrimaryKey, TestDropSchema, TestDropTable, TestDropType, TestDropUnknownIndex, TestDuplicateColumn,
	TestEnumValueRemoval, TestEnumValueUsedInSameTransaction, TestExclusionConstraint, TestForeignKeyWithoutIndex,
	TestIdentifierTooLong, TestLockTable, TestLockTimeoutValue, TestLongAccessExclusive, TestManyAccessExclusive,
	TestNonAtomicMigration, TestNonTransactionalInTransaction, TestNotNullOverExistingData, TestPreferBigintPrimaryKey,
	TestPreferIdentity, TestPreferJSONB, TestPreferTextOverChar, TestPreferTimestamptz, TestPrismaWarningUnexplained,
	TestRedefineIndex, TestRenameColumn, TestRenameEnumValue, TestRenameTable, TestRequireConcurrentDetachPartition,
	TestRequireConcurrentDropIndex, TestRequireConcurrentIndex, TestRequireConcurrentReindex, TestRequireLockTimeout,
	TestSetLocalOutsideTransaction, TestSetLoggedUnlogged, TestSetNotNull, TestSetTablespace, TestTransactionNesting,
	TestTruncateTable, TestUniqueConstraintWithoutIndex, TestUniqueOverExistingData, TestUniqueOverUniformColumn, TestUpdateOrDeleteWithoutWhere,
	TestVacuumFullOrCluster, TestValidateInSameTransaction, TestVolatileDefault,
}

// fixTests are single-shot tests that check a fix (they call wantFix); the
// harness runs them with linted set and runs the fixes of every migration
// they lint that no case of caseTests lints. TestCaseTestsListed keeps the
// list complete.
var fixTests = []func(*testing.T){
	TestAddingIdentityColumnFix, TestAddingSerialColumnFix, TestAddingStoredGeneratedColumnFix,
	TestConstraintMissingNotValidFix, TestExclusionConstraintFix,
	TestRequireConcurrentDetachPartitionFix, TestRequireConcurrentDropIndexFix, TestRequireConcurrentIndexFix,
	TestRequireConcurrentReindexFix, TestSetLoggedUnloggedFix, TestSetNotNullFix, TestSetTablespaceFix,
	TestVacuumFullOrClusterFix, TestLockTableMessage, TestLongAccessExclusiveMessage, TestManyAccessExclusiveFix,
}

// fixTestsNotRun are the tests that call wantFix whose fixes the harness
// does not run yet, and why; TestFixesOnPostgres fails on them.
var fixTestsNotRun = map[string]string{
	"TestUniqueConstraintWithoutIndexFix": `ADD COLUMN "handle" TEXT UNIQUE NULLS NOT DISTINCT on a table of rows fails ` +
		`(every row holds NULL), the fix too, and its failed CREATE UNIQUE INDEX CONCURRENTLY leaves an invalid index behind`,
}

// fixRows is how many rows every table of a case's history holds when the
// fix runs.
const fixRows = 100

// fixCase is a finding with a fix, and the case that drew it.
type fixCase struct {
	rule    string
	c       ruleCase
	f       lint.Finding
	earlier []lint.Finding // the rule's findings with a fix before f in the case
	twin    string         // another case of the rule with the same SQL, after another history
}

func (fc fixCase) name() string {
	return fmt.Sprintf("%s/%s/%d:%d", fc.rule, fc.c.name, fc.f.Line, fc.f.Column)
}

// TestFixesOnPostgres: every fix runs on PostgreSQL after its case's
// history, with rows in every table; it must succeed, keep every row of the
// tables it found, and lint clean of the rule it fixes. A fix that cannot
// run says why in its text (see unrunnable), and is listed as skipped.
func TestFixesOnPostgres(t *testing.T) {
	type tally struct{ run, passed, skipped int }
	byRule := map[string]*tally{}
	var skipped, unfilled []string
	passed := map[string]bool{}    // rule/case whose every fix passed so far
	leansOn := map[string]string{} // a fix skipped for its twin: fix -> rule/twin
	var mu sync.Mutex
	createTablespaces(t)
	t.Run("fix", func(t *testing.T) {
		templates := map[string]*fixTemplate{}
		for _, fc := range withTwins(collectFixes(t)) {
			n := byRule[fc.rule]
			if n == nil {
				n = &tally{}
				byRule[fc.rule] = n
			}
			if reason := unrunnable(fc.f.Fix); reason != "" {
				n.skipped++
				skipped = append(skipped, fc.name()+": "+reason)
				continue
			}
			tmpl := template(t, templates, fc.c.history)
			t.Run(fc.name(), func(t *testing.T) {
				t.Parallel()
				var reason string
				defer func() {
					mu.Lock()
					defer mu.Unlock()
					switch {
					case t.Skipped():
						n.skipped++
						skipped = append(skipped, fc.name()+": "+reason)
						if strings.HasPrefix(reason, lacksObject) {
							leansOn[fc.name()] = fc.rule + "/" + fc.twin
						}
					case !t.Failed():
						n.run++
						n.passed++
						if _, seen := passed[fc.rule+"/"+fc.c.name]; !seen {
							passed[fc.rule+"/"+fc.c.name] = true
						}
					default:
						n.run++
						passed[fc.rule+"/"+fc.c.name] = false
					}
				}()
				if tmpl.err != nil {
					t.Fatal(tmpl.err)
				}
				runFix(t, fc, tmpl, func(why string) { reason = why; t.Skip(why) })
			})
		}
		for _, tmpl := range templates {
			for _, u := range tmpl.unfilled {
				unfilled = append(unfilled, fmt.Sprintf("%s: %s", u.Table, u.Reason))
			}
		}
	})
	for fix, twin := range leansOn {
		if !passed[twin] {
			t.Errorf("%s is skipped for %s, whose fixes did not all run and pass", fix, twin)
		}
	}
	var report strings.Builder
	total := tally{}
	for _, rule := range slices.Sorted(maps.Keys(byRule)) {
		n := byRule[rule]
		fmt.Fprintf(&report, "  %-40s run %3d  passed %3d  skipped %2d\n", rule, n.run, n.passed, n.skipped)
		total.run, total.passed, total.skipped = total.run+n.run, total.passed+n.passed, total.skipped+n.skipped
	}
	fmt.Fprintf(&report, "  %-40s run %3d  passed %3d  skipped %2d\n", "all rules", total.run, total.passed, total.skipped)
	slices.Sort(skipped)
	slices.Sort(unfilled)
	t.Logf("fixes per rule:\n%sskipped:\n  %s\ntables left empty:\n  %s", report.String(),
		strings.Join(skipped, "\n  "), strings.Join(unfilled, "\n  "))
	if total.run < 100 {
		t.Errorf("only %d fixes ran: the cases were not collected", total.run)
	}
}

// tablespaces are the ones the cases move tables and indexes to. An
// operator creates a tablespace (it names a directory on the server), never
// a migration, so no history can; the harness creates them for the test.
var tablespaces = []string{"fast_ssd"}

// createTablespaces creates tablespaces in the server's own directory
// (allow_in_place_tablespaces, a superuser's developer option), dropped when
// the test ends, after the databases using them. A server where that is
// refused leaves the fixes that use them failing as their migration does:
// skipped, and logged here.
func createTablespaces(t *testing.T) {
	ctx := context.Background()
	conn := pgtest.Connect(t, pgtest.NewDatabase(t))
	if err := execText(ctx, conn, "SET allow_in_place_tablespaces = on"); err != nil {
		t.Logf("no tablespaces: %v", err)
		return
	}
	for _, name := range tablespaces {
		ident := pgx.Identifier{name}.Sanitize()
		if err := execText(ctx, conn, "CREATE TABLESPACE "+ident+" LOCATION ''"); err != nil {
			t.Logf("tablespace %s: %v", name, err)
			continue
		}
		t.Cleanup(func() {
			if err := execText(ctx, conn, "DROP TABLESPACE "+ident); err != nil {
				t.Errorf("dropping tablespace %s: %v", name, err)
			}
		})
	}
}

// collectFixes lints every case of caseTests and returns its findings of
// the case's rule that carry a fix, then every finding with a fix of the
// migrations fixTests lint that no case lints, in a stable order.
func collectFixes(t *testing.T) []fixCase {
	t.Helper()
	var out []fixCase
	seen := map[string]bool{}
	key := func(c ruleCase) string {
		return fmt.Sprintf("%q %q %d %q", c.history, c.sql, c.pg, c.runner)
	}
	collecting = func(rule string, cases []ruleCase) {
		for _, c := range cases {
			seen[key(c)] = true
			var earlier []lint.Finding
			for _, f := range lintRunner(t, c.history, c.sql, c.pg, c.runner) {
				if f.Rule == rule && f.Fix != "" {
					out = append(out, fixCase{rule: rule, c: c, f: f, earlier: slices.Clip(earlier)})
					earlier = append(earlier, f)
				}
			}
		}
	}
	defer func() { collecting = nil }()
	for _, test := range caseTests {
		test(t)
	}
	collecting = nil
	for _, test := range fixTests {
		var migrations []ruleCase
		linted = func(c ruleCase) { migrations = append(migrations, c) }
		test(t)
		linted = nil
		for i, c := range migrations {
			if seen[key(c)] {
				continue
			}
			seen[key(c)] = true
			c.name = fmt.Sprintf("%s#%d", testName(test), i+1)
			earlier := map[string][]lint.Finding{}
			for _, f := range lintRunner(t, c.history, c.sql, c.pg, c.runner) {
				if f.Fix != "" {
					out = append(out, fixCase{rule: f.Rule, c: c, f: f, earlier: slices.Clip(earlier[f.Rule])})
					earlier[f.Rule] = append(earlier[f.Rule], f)
				}
			}
		}
	}
	return out
}

func testName(test func(*testing.T)) string {
	name := runtime.FuncForPC(reflect.ValueOf(test).Pointer()).Name()
	return name[strings.LastIndexByte(name, '.')+1:]
}

// withTwins names, for each fix, the last other case of the same rule and
// SQL after another history: a case whose history lacks what the SQL acts
// on (it checks how the rule treats the unknown) has its fix run there.
func withTwins(fcs []fixCase) []fixCase {
	type key struct{ rule, sql string }
	byKey := map[key][]fixCase{}
	for _, fc := range fcs {
		byKey[key{fc.rule, fc.c.sql}] = append(byKey[key{fc.rule, fc.c.sql}], fc)
	}
	for i, fc := range fcs {
		for _, o := range byKey[key{fc.rule, fc.c.sql}] {
			if o.c.name != fc.c.name && !slices.Equal(o.c.history, fc.c.history) {
				fcs[i].twin = o.c.name
			}
		}
	}
	return fcs
}

// unrunnable returns why a fix cannot run here, in the fix's own words, or
// "": it needs a value only the user knows, or holds no SQL for a migration
// at all (a command to run by hand).
func unrunnable(fix string) string {
	for _, line := range strings.Split(fix, "\n") {
		if strings.Contains(line, "only you know") {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "--"))
		}
	}
	if len(userSteps(fix)) == 0 {
		first, _, _ := strings.Cut(fix, "\n")
		return "no SQL to run: " + strings.TrimSpace(strings.TrimPrefix(first, "--"))
	}
	return ""
}

// userStep is SQL of a fix to run: one migration of it, sent at once as a
// migration tool sends a file, or a batch the fix says to repeat until it
// updates no row (commented out, since it is no part of a migration).
type userStep struct {
	sql       string
	loop      bool
	migration bool // a comment before it says it is a migration of its own
}

// userSteps returns what a user following the fix runs, in order: its
// migrations (a comment that speaks of a migration starts the next one),
// and the commented batch after a line that says to repeat it until it
// updates no row.
func userSteps(fix string) []userStep {
	var steps []userStep
	var chunk strings.Builder
	fresh := false
	flush := func() {
		if len(parseSQL(chunk.String()).Stmts) > 0 {
			steps = append(steps, userStep{sql: chunk.String(), migration: fresh})
			fresh = false
		}
		chunk.Reset()
	}
	repeat := false
	for _, line := range strings.SplitAfter(fix, "\n") {
		body, comment := strings.CutPrefix(strings.TrimSpace(line), "--")
		switch {
		case comment && repeat:
			steps = append(steps, userStep{sql: strings.TrimSpace(body), loop: true, migration: true})
			repeat = false
		case comment:
			repeat = strings.HasSuffix(body, "until it updates no row:")
			if repeat || strings.Contains(strings.ToLower(body), "migration") {
				flush()
				fresh = true
			}
		default:
			chunk.WriteString(line)
		}
	}
	flush()
	return steps
}

func parseSQL(sql string) *sqlfile.File {
	f, err := sqlfile.Parse("fix.sql", []byte(sql))
	if err != nil {
		return &sqlfile.File{}
	}
	return f
}

// fixTemplate is a database holding a case's history with fixRows rows in
// every table; each fix runs on a copy.
type fixTemplate struct {
	url      string
	err      error // the history does not run
	unfilled []trace.Unfilled
	mu       sync.Mutex // one user at a time: a fix in a transaction, or a copy being made
	conn     *pgx.Conn  // where fixes run in transactions rolled back; nil while copies are made
}

// copy returns a fresh copy of the template, dropped when the test ends.
func (tmpl *fixTemplate) copy(t *testing.T) string {
	tmpl.mu.Lock()
	defer tmpl.mu.Unlock()
	if tmpl.conn != nil { // a database is copied with nobody connected to it
		tmpl.conn.Close(context.Background())
		tmpl.conn = nil
	}
	return pgtest.CloneDatabase(t, tmpl.url)
}

// template returns the template of history, built once.
func template(t *testing.T, built map[string]*fixTemplate, history []string) *fixTemplate {
	t.Helper()
	key := strings.Join(history, "\x00")
	if tmpl, ok := built[key]; ok {
		return tmpl
	}
	tmpl := &fixTemplate{url: pgtest.NewDatabase(t)}
	built[key] = tmpl
	t.Cleanup(func() { // before the database is dropped
		if tmpl.conn != nil {
			tmpl.conn.Close(context.Background())
		}
	})
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, tmpl.url)
	if err != nil {
		tmpl.err = err
		return tmpl
	}
	defer conn.Close(ctx)
	for i, h := range history {
		for _, s := range parseSQL(h).Stmts {
			if err := execText(ctx, conn, h[s.Start:s.End]); err != nil {
				tmpl.err = fmt.Errorf("history %04d.sql: %v\n%s", i, err, h[s.Start:s.End])
				return tmpl
			}
		}
	}
	tmpl.unfilled, tmpl.err = trace.Fill(ctx, conn, fixRows)
	return tmpl
}

func execText(ctx context.Context, conn *pgx.Conn, sql string) error {
	_, err := conn.PgConn().Exec(ctx, sql).ReadAll()
	return err
}

// runFix runs one fix after the statements of the migration it does not
// replace, and checks it: where every statement can run in a transaction,
// first inside one on the template, rolled back (a copy per fix costs a
// CREATE DATABASE); else, or when that fails, on a copy of its
// own, where a failure counts. It skips a fix that fails where the migration
// itself fails in the same way (a case about an unknown table, or one whose
// migration cannot succeed on rows).
func runFix(t *testing.T, fc fixCase, tmpl *fixTemplate, skip func(string)) {
	mig := parseSQL(fc.c.sql)
	flagged := stmtAt(mig, fc.f.Line, fc.f.Column)
	if flagged == nil {
		t.Fatalf("no statement of the migration at %d:%d", fc.f.Line, fc.f.Column)
	}
	before := kept(mig, flagged, fc)
	var steps []userStep
	for _, f := range fc.earlier { // the fixes of the other objects the DROP drops, which this one completes
		if deletes(flagged) && stmtAt(mig, f.Line, f.Column) == flagged {
			steps = append(steps, userSteps(f.Fix)...)
		}
	}
	steps = append(steps, userSteps(fc.f.Fix)...)
	var context strings.Builder
	for _, s := range before {
		context.WriteString(mig.Text(s) + ";\n")
	}
	if !transactional(mig, before, steps) || tmpl.inTransaction(mig, before, steps, deletes(flagged)) != nil {
		runOnCopy(t, fc, tmpl, mig, flagged, before, steps, skip)
	}
	history := fc.c.history
	if context.Len() > 0 {
		history = append(slices.Clip(history), context.String())
	}
	fixed := fixedStatements(fc.f.Fix, mig.Text(flagged))
	for _, f := range lintRunner(t, history, fc.f.Fix, fc.c.pg, fc.c.runner) {
		// A finding the statement's purpose implies (the data a DROP loses,
		// a lock no online form avoids) comes back with this very fix: the
		// fix is all there is to do.
		if f.Rule == fc.rule && fixed(f) && strings.TrimSpace(f.Fix) != strings.TrimSpace(fc.f.Fix) {
			t.Errorf("the fix, linted as a migration after the history, draws %s again at %d:%d: %s\nwith the fix:\n%s\nfix:\n%s",
				fc.rule, f.Line, f.Column, f.Message, f.Fix, fc.f.Fix)
		}
	}
}

// runOnCopy runs the kept statements and the fix on a fresh copy of the
// template, statement by statement and migration by migration as a
// migration tool sends them, and checks that no row is lost.
func runOnCopy(t *testing.T, fc fixCase, tmpl *fixTemplate, mig *sqlfile.File, flagged *sqlfile.Stmt,
	before []*sqlfile.Stmt, steps []userStep, skip func(string)) {
	t.Helper()
	conn := pgtest.Connect(t, tmpl.copy(t))
	runKept(t, conn, mig, before)
	rows := rowCounts(t, conn)
	if steps[0].migration { // a later migration: the one it follows has committed
		commitOpen(t, conn)
	}
	for _, step := range steps {
		if err := runStep(conn, step); err != nil {
			code, orig := sqlState(err), sqlState(migrationError(t, tmpl, mig))
			if undefinedObject[code] && (len(fc.c.history) == 0 || undefinedObject[orig]) {
				if fc.twin == "" {
					t.Fatalf("the case's history lacks the object the rule assumes, which the fix needs: %v\n"+
						"add a case of the same SQL after a history that creates it, so the fix runs", err)
				}
				skip(fmt.Sprintf("%s, which the fix needs (%s); %q runs the same SQL after one", lacksObject, oneLine(err), fc.twin))
			}
			if code != "" && orig == code {
				if left := leftBehind(t, tmpl, mig, before, steps); left != "" {
					t.Fatalf("the fix fails as the migration does (%v), sent statement by statement, and leaves behind:\n%s\nfix:\n%s",
						oneLine(err), left, fc.f.Fix)
				}
				skip("the migration fails here without the fix too, and the fix, sent statement by statement, leaves the schema as it found it: " +
					oneLine(err))
			}
			t.Fatalf("the fix fails: %v\nfix:\n%s", err, fc.f.Fix)
		}
	}
	commitOpen(t, conn)
	if !deletes(flagged) {
		for table, n := range rows {
			if m := countRows(conn, table); m < n {
				t.Errorf("%s held %d rows before the fix and %d after\nfix:\n%s", table, n, m, fc.f.Fix)
			}
		}
	}
}

// leftBehind runs the kept statements on a fresh copy, then the fix one
// statement at a time, as a runner that does not wrap a file in a
// transaction sends it, until one fails; it returns what that failure
// leaves of the failing migration in the schema, "" when nothing.
func leftBehind(t *testing.T, tmpl *fixTemplate, mig *sqlfile.File, before []*sqlfile.Stmt, steps []userStep) string {
	t.Helper()
	ctx := context.Background()
	conn := pgtest.Connect(t, tmpl.copy(t))
	runKept(t, conn, mig, before)
	commitOpen(t, conn)
	for _, step := range steps {
		was := schemaOf(t, conn)
		f := parseSQL(step.sql)
		for _, s := range f.Stmts {
			if execText(ctx, conn, f.Text(s)) == nil {
				continue
			}
			if conn.PgConn().TxStatus() != 'I' {
				if err := execText(ctx, conn, "ROLLBACK"); err != nil {
					t.Fatalf("rolling back: %v", err)
				}
			}
			var left []string
			for _, line := range schemaOf(t, conn) {
				if !slices.Contains(was, line) {
					left = append(left, line)
				}
			}
			return strings.Join(left, "\n")
		}
		commitOpen(t, conn)
	}
	return ""
}

// schemaOf lists the columns and constraints of the user's relations.
func schemaOf(t *testing.T, conn *pgx.Conn) []string {
	t.Helper()
	rows, err := conn.Query(context.Background(), `SELECT format('%s %s %s', c.oid::regclass, a.attname, format_type(a.atttypid, a.atttypmod))
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
		UNION ALL SELECT format('%s constraint %s', conrelid::regclass, conname) FROM pg_constraint
		WHERE connamespace NOT IN (SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog', 'information_schema'))`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// inTransaction runs the kept statements and the fix in one transaction on
// the template itself, rolls it back, and returns the first error, a lost
// row included.
func (tmpl *fixTemplate) inTransaction(mig *sqlfile.File, before []*sqlfile.Stmt, steps []userStep, deletes bool) error {
	tmpl.mu.Lock()
	defer tmpl.mu.Unlock()
	ctx := context.Background()
	if tmpl.conn == nil {
		conn, err := pgx.Connect(ctx, tmpl.url)
		if err != nil {
			return err
		}
		tmpl.conn = conn
	}
	conn := tmpl.conn
	if err := execText(ctx, conn, "BEGIN"); err != nil {
		return err
	}
	defer execText(ctx, conn, "ROLLBACK")
	for _, s := range before {
		if err := execText(ctx, conn, mig.Text(s)); err != nil {
			return err
		}
	}
	rows, err := tableRows(conn)
	if err != nil {
		return err
	}
	for _, step := range steps {
		if err := runStep(conn, step); err != nil {
			return err
		}
	}
	for table, n := range rows {
		if m := countRows(conn, table); m < n && !deletes {
			return fmt.Errorf("%s lost rows", table)
		}
	}
	return nil
}

// transactional reports whether every statement the fix's run sends can run
// in one transaction with the same outcome as on its own: none that
// PostgreSQL refuses in a transaction block or that needs one (LOCK), no
// transaction control, no new enum value (unusable until it commits).
func transactional(mig *sqlfile.File, before []*sqlfile.Stmt, steps []userStep) bool {
	nodes := make([]*pg.Node, 0, len(before))
	for _, s := range before {
		nodes = append(nodes, s.Node)
	}
	for _, step := range steps {
		for _, s := range parseSQL(step.sql).Stmts {
			nodes = append(nodes, s.Node)
		}
	}
	for _, n := range nodes {
		switch {
		case n.GetTransactionStmt() != nil, n.GetVacuumStmt() != nil, n.GetReindexStmt() != nil, n.GetLockStmt() != nil,
			n.GetAlterEnumStmt() != nil, n.GetCreatedbStmt() != nil, n.GetDropdbStmt() != nil, n.GetAlterSystemStmt() != nil,
			n.GetClusterStmt() != nil, n.GetDoStmt() != nil,
			n.GetIndexStmt().GetConcurrent(), n.GetDropStmt().GetConcurrent(), detachesConcurrently(n.GetAlterTableStmt()):
			return false
		}
	}
	return true
}

func detachesConcurrently(s *pg.AlterTableStmt) bool {
	for _, c := range s.GetCmds() {
		if c.GetAlterTableCmd().GetDef().GetPartitionCmd().GetConcurrent() {
			return true
		}
	}
	return false
}

// fixedStatements returns whether a finding on the fix is on the statement
// it fixes: the flagged statement where the fix keeps it as it was (the
// statements it moves along have findings of their own), else anywhere.
func fixedStatements(fix, flagged string) func(lint.Finding) bool {
	f := parseSQL(fix)
	var same []*sqlfile.Stmt
	for _, s := range f.Stmts {
		if fingerprint(f.Text(s)) == fingerprint(flagged) {
			same = append(same, s)
		}
	}
	return func(fd lint.Finding) bool {
		if len(same) == 0 {
			return true
		}
		return slices.Contains(same, stmtAt(f, fd.Line, fd.Column))
	}
}

// lacksObject starts the reason a fix is skipped for its twin.
const lacksObject = "the case's history lacks the object the rule assumes"

// undefinedObject holds the SQLSTATEs of a missing table, column, type,
// function or schema.
var undefinedObject = map[string]bool{"42P01": true, "42703": true, "42704": true, "42883": true, "3F000": true}

// addsToMigration are the rules whose fixes add to the migration (an index
// for its foreign key, the COMMIT it lacks) instead of replacing a
// statement: they run after all of it.
var addsToMigration = map[string]bool{"foreign-key-without-index": true, "transaction-nesting": true}

// kept returns the statements of the migration that run before the fix:
// all when it adds to the migration, all the others when it runs after the
// migration, none when it rewrites the whole file (it holds every statement
// before the flagged one), else those before the flagged statement, which
// the fix replaces.
func kept(mig *sqlfile.File, flagged *sqlfile.Stmt, fc fixCase) []*sqlfile.Stmt {
	switch {
	case addsToMigration[fc.rule]:
		return mig.Stmts
	case strings.Contains(fc.f.Fix, "Run after this migration"):
		return slices.Delete(slices.Clone(mig.Stmts), flagged.Index, flagged.Index+1)
	}
	inFix := map[string]bool{}
	for _, step := range userSteps(fc.f.Fix) {
		f := parseSQL(step.sql)
		for _, s := range f.Stmts {
			inFix[fingerprint(f.Text(s))] = true
		}
	}
	preceding := mig.Stmts[:flagged.Index]
	for _, s := range preceding {
		if !inFix[fingerprint(mig.Text(s))] {
			return preceding
		}
	}
	return nil
}

func fingerprint(sql string) string {
	fp, err := pg.Fingerprint(sql)
	if err != nil {
		return sql
	}
	return fp
}

// runKept runs the statements of the migration that come before the fix.
func runKept(t *testing.T, conn *pgx.Conn, mig *sqlfile.File, stmts []*sqlfile.Stmt) {
	t.Helper()
	for _, s := range stmts {
		if err := execText(context.Background(), conn, mig.Text(s)); err != nil {
			t.Fatalf("the migration's statement the fix keeps fails: %v\n%s", err, mig.Text(s))
		}
	}
}

func commitOpen(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	if conn.PgConn().TxStatus() != 'I' {
		if err := execText(context.Background(), conn, "COMMIT"); err != nil {
			t.Fatalf("committing: %v", err)
		}
	}
}

// migrationError runs the whole migration on a fresh copy, statement by
// statement, and returns its first error.
func migrationError(t *testing.T, tmpl *fixTemplate, mig *sqlfile.File) error {
	conn := pgtest.Connect(t, tmpl.copy(t))
	for _, s := range mig.Stmts {
		if err := execText(context.Background(), conn, mig.Text(s)); err != nil {
			return err
		}
	}
	return nil
}

func oneLine(err error) string {
	first, _, _ := strings.Cut(err.Error(), "\n")
	return first
}

// stmtAt returns the statement of f at a finding's line and column.
func stmtAt(f *sqlfile.File, line, col int) *sqlfile.Stmt {
	off := 0
	for i := 1; i < line; i++ {
		nl := strings.IndexByte(f.Src[off:], '\n')
		if nl < 0 {
			return nil
		}
		off += nl + 1
	}
	off = f.CharOffset(off, col-1)
	for _, s := range f.Stmts {
		if s.Start <= off && off <= s.End {
			return s
		}
	}
	return nil
}

// deletes tells whether a statement's purpose is to delete rows or tables,
// which its fix then does too.
func deletes(s *sqlfile.Stmt) bool {
	return s.Node.GetDropStmt() != nil || s.Node.GetTruncateStmt() != nil || s.Node.GetDeleteStmt() != nil
}

// runStep runs a step of a fix; a batch runs until it updates no row.
func runStep(conn *pgx.Conn, step userStep) error {
	ctx := context.Background()
	f := parseSQL(step.sql)
	if len(f.Errors) > 0 {
		return fmt.Errorf("syntax error: %s\n%s", f.Errors[0].Message, step.sql)
	}
	if !step.loop {
		if err := execText(ctx, conn, step.sql); err != nil {
			return fmt.Errorf("%w\n%s", err, step.sql)
		}
		return nil
	}
	if len(f.Stmts) != 1 {
		return fmt.Errorf("a batch of %d statements: %s", len(f.Stmts), step.sql)
	}
	for range 100 {
		res, err := conn.PgConn().Exec(ctx, step.sql).ReadAll()
		if err != nil {
			return fmt.Errorf("%w\n%s", err, step.sql)
		}
		if res[0].CommandTag.RowsAffected() == 0 {
			return nil
		}
	}
	return fmt.Errorf("the batch still changes rows after 100 runs: %s", step.sql)
}

// rowCounts returns the rows of every table of the user's schemas that
// holds them: partitions, not their parents, so a detached partition keeps
// its rows.
func rowCounts(t *testing.T, conn *pgx.Conn) map[string]int64 {
	t.Helper()
	out, err := tableRows(conn)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func tableRows(conn *pgx.Conn) (map[string]int64, error) {
	rows, err := conn.Query(context.Background(), `SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'`)
	if err != nil {
		return nil, err
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, table := range tables {
		out[table] = countRows(conn, table)
	}
	return out, nil
}

// countRows returns the rows a table holds (or a view of its name, after a
// rename), -1 when neither exists.
func countRows(conn *pgx.Conn, table string) int64 {
	var n int64
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		return -1
	}
	return n
}

// TestCaseTestsListed: every test that calls runCases is in caseTests and
// every test that calls wantFix in fixTests, so TestFixesOnPostgres sees
// every rule's cases and the fixes tests check.
func TestCaseTestsListed(t *testing.T) {
	listed := map[string]string{}
	for _, test := range caseTests {
		listed[testName(test)] = "runCases"
	}
	for _, test := range fixTests {
		listed[testName(test)] = "wantFix"
	}
	for name := range fixTestsNotRun {
		listed[name] = "wantFix"
	}
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, path := range files {
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || !strings.HasPrefix(fd.Name.Name, "Test") {
				continue
			}
			for helper, list := range map[string]string{"runCases": "caseTests", "wantFix": "fixTests"} {
				if calls(fd, helper) && listed[fd.Name.Name] != helper {
					t.Errorf("%s: %s calls %s but is not in %s: its fixes are never run", path, fd.Name.Name, helper, list)
				}
			}
		}
	}
}

func calls(fd *ast.FuncDecl, helper string) bool {
	found := false
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if id, ok := c.Fun.(*ast.Ident); ok && id.Name == helper {
				found = true
			}
		}
		return !found
	})
	return found
}
