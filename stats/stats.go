// Package stats sizes lint findings with production statistics. Collect takes
// a read-only snapshot of what sizing needs from a live database (table row
// estimates and sizes, index sizes, write rates, the lock_timeout and
// statement_timeout in force for the role): no row data, no URL. Calibrate
// measures how fast a server rewrites, scans and indexes. Estimate turns a
// table's size and an operation into a range of seconds.
//
// A snapshot is stored as a JSON document (see File) whose shape is stable:
// Version changes only if a field changes meaning or disappears.
package stats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/migrate-guard/migrate-guard/catalog"
)

// Version is the version of the stats file's shape.
const Version = 1

// File is a stats snapshot, as stored by `migrate-guard stats`.
type File struct {
	Version int `json:"version"`
	// TakenAt is when the snapshot was taken.
	TakenAt time.Time `json:"taken_at"`
	// ServerVersion is the server's version string (server_version), and
	// ServerVersionNum its number (150004 for 15.4).
	ServerVersion    string `json:"server_version"`
	ServerVersionNum int    `json:"server_version_num"`
	// Database and Role are the names the snapshot was taken with: the
	// settings below are theirs.
	Database string `json:"database"`
	Role     string `json:"role"`
	// StatsReset is when the database's statistics counters were last
	// reset (pg_stat_database.stats_reset): the write counts of each table
	// run from then. Nil when never reset.
	StatsReset *time.Time `json:"stats_reset,omitempty"`
	// Settings holds lock_timeout and statement_timeout as they apply to a
	// new session of Role on Database.
	Settings map[string]Setting `json:"settings"`
	Tables   []Table            `json:"tables"`
	// Throughputs are the server's measured speeds (`stats calibrate`);
	// nil means the built-in defaults.
	Throughputs *Throughputs `json:"throughputs,omitempty"`

	byName map[catalog.Name]*Table
}

// Setting is a server setting and where its value comes from.
type Setting struct {
	Value string `json:"value"` // as SHOW prints it: "0", "5s"
	// Source is "role and database", "role", "database" (ALTER ROLE /
	// ALTER DATABASE ... SET, from pg_db_role_setting) or "server" (the
	// configuration file or the built-in default).
	Source string `json:"source"`
}

// Table is what sizing needs of one table.
type Table struct {
	Schema string `json:"schema"`
	Name   string `json:"name"`
	// Rows is the planner's estimate (pg_class.reltuples), or
	// pg_stat_user_tables.n_live_tup when the table was never analyzed;
	// RowsSource says which.
	Rows       int64  `json:"rows"`
	RowsSource string `json:"rows_source"`
	// HeapBytes is the table without its indexes (pg_table_size: heap,
	// TOAST, free space and visibility maps); TotalBytes adds the indexes.
	HeapBytes  int64   `json:"heap_bytes"`
	TotalBytes int64   `json:"total_bytes"`
	Indexes    []Index `json:"indexes"`
	// Inserts, Updates and Deletes count rows written since StatsReset.
	Inserts int64 `json:"n_tup_ins"`
	Updates int64 `json:"n_tup_upd"`
	Deletes int64 `json:"n_tup_del"`
	// SeqScans and IndexScans count scans since StatsReset.
	SeqScans   int64 `json:"seq_scan"`
	IndexScans int64 `json:"idx_scan"`
}

// Index is one index of a table.
type Index struct {
	Name   string `json:"name"`
	Bytes  int64  `json:"bytes"`
	Method string `json:"method"` // btree, gin, gist, ...
	Unique bool   `json:"unique"`
}

// QualifiedName is the table as the catalog names it.
func (t *Table) QualifiedName() catalog.Name { return catalog.Name{Schema: t.Schema, Name: t.Name} }

// Index returns the statistics of the table's index name, or nil.
func (t *Table) Index(name string) *Index {
	for i := range t.Indexes {
		if t.Indexes[i].Name == name {
			return &t.Indexes[i]
		}
	}
	return nil
}

// Table returns the statistics of a table, or nil when the snapshot does not
// know it.
func (f *File) Table(n catalog.Name) *Table {
	if f.byName == nil {
		f.byName = make(map[catalog.Name]*Table, len(f.Tables))
		for i := range f.Tables {
			f.byName[f.Tables[i].QualifiedName()] = &f.Tables[i]
		}
	}
	return f.byName[n]
}

// Rates returns the throughputs to estimate with: the calibrated ones, or
// the built-in defaults.
func (f *File) Rates() *Throughputs {
	if f.Throughputs != nil {
		return f.Throughputs
	}
	return Defaults()
}

// Load reads a stats file. Every error is one line naming the file.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such stats file (write one with `migrate-guard stats --database-url URL -o %s`)", path, path)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// Parse reads a stats document.
func Parse(data []byte) (*File, error) {
	var head struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("not a stats file: %s", jsonError(data, err))
	}
	if head.Version == nil {
		return nil, fmt.Errorf("not a stats file: no \"version\"")
	}
	if *head.Version != Version {
		return nil, fmt.Errorf("stats file version %d is not supported (this migrate-guard reads version %d): take the snapshot again with this version", *head.Version, Version)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("malformed stats file: %s", jsonError(data, err))
	}
	for i, t := range f.Tables {
		if t.Name == "" || t.Schema == "" || t.Rows < 0 || t.HeapBytes < 0 {
			return nil, fmt.Errorf("malformed stats file: table %d has no schema or name, or a negative size", i+1)
		}
	}
	if err := f.Throughputs.check(); err != nil {
		return nil, fmt.Errorf("malformed stats file: %w", err)
	}
	return &f, nil
}

// jsonError says where a JSON error is, by line.
func jsonError(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 {
		return err.Error()
	}
	line := 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n"))
	return fmt.Sprintf("line %d: %v", line, err)
}

// Save writes the file as indented JSON, atomically.
func (f *File) Save(path string) error {
	data, err := f.Marshal()
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Marshal returns the file as indented JSON.
func (f *File) Marshal() ([]byte, error) {
	f.Version = Version
	if f.Tables == nil {
		f.Tables = []Table{}
	}
	data, err := json.MarshalIndent(f, "", "  ")
	return append(data, '\n'), err
}
