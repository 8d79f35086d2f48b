package lint

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/execution"
	"github.com/migrate-guard/migrate-guard/rules"
	"github.com/migrate-guard/migrate-guard/stats"
)

// ConfigFile is the name of the configuration file, looked up from the
// current directory upward.
const ConfigFile = "migrate-guard.toml"

// DefaultPGVersion is the PostgreSQL major version assumed when none is set.
const DefaultPGVersion = 15

// DefaultMaxLockTimeout is the longest lock_timeout accepted when
// max-lock-timeout is not set.
const DefaultMaxLockTimeout = 10 * time.Second

// Config is the lint configuration.
type Config struct {
	Path       string // the file it came from, or ""
	PGVersion  int
	FailOn     analysis.Severity // Off means never fail
	Migrations []string          // directories linted when no path is given, relative to the file's directory
	Rules      map[string]analysis.Severity
	// Runner is what deploys the migrations (deployed-by); Unset when
	// nothing said, and then each Prisma directory's package.json decides.
	Runner execution.Runner
	// MaxLockTimeout is the longest lock_timeout a migration may set.
	MaxLockTimeout time.Duration
	// Stats, when set, sizes the findings with production statistics;
	// SmallTable and LargeTable are the estimated blocking times under
	// which a finding drops to notice and over which it becomes an error.
	Stats                  *stats.File
	SmallTable, LargeTable time.Duration
	// DeployOrder is DeployMigrateFirst or DeployCodeFirst (deploy-order).
	DeployOrder string
	// Release holds the schema.prisma of the running release and of the
	// pull request (LoadRelease); nil when no base schema is given.
	Release *analysis.Release
	// Drift is the [drift] table, read by `migrate-guard drift`.
	Drift DriftConfig
}

// DriftConfig says what `migrate-guard drift` compares beyond its defaults.
type DriftConfig struct {
	Comments bool     `toml:"comments"` // comments are drift too
	Ignore   []string `toml:"ignore"`   // tables left out, as schema.table
}

// DefaultConfig returns the configuration used without a file.
func DefaultConfig() *Config {
	return &Config{PGVersion: DefaultPGVersion, FailOn: analysis.Warning, Rules: map[string]analysis.Severity{},
		MaxLockTimeout: DefaultMaxLockTimeout, SmallTable: DefaultSmallTable, LargeTable: DefaultLargeTable,
		DeployOrder: DeployMigrateFirst}
}

// fileConfig is the TOML layout of migrate-guard.toml.
type fileConfig struct {
	PGVersion  *int              `toml:"pg-version"`
	FailOn     *string           `toml:"fail-on"`
	Migrations []string          `toml:"migrations"`
	DeployedBy *string           `toml:"deployed-by"`
	MaxLock    *string           `toml:"max-lock-timeout"`
	Stats      *string           `toml:"stats"`
	SmallTable *string           `toml:"small-table"`
	LargeTable *string           `toml:"large-table"`
	DeployOrd  *string           `toml:"deploy-order"`
	Rules      map[string]string `toml:"rules"`
	Drift      DriftConfig       `toml:"drift"`
}

// FindConfig looks for migrate-guard.toml in dir and its parents and returns
// its path, or "" when there is none.
func FindConfig(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs // so that a relative dir's parents are searched too
	}
	for {
		p := filepath.Join(dir, ConfigFile)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// LoadConfig reads a configuration file. Unknown keys and bad values are
// errors that name the file, line and key.
func LoadConfig(path string) (*Config, error) {
	cfg := DefaultConfig()
	cfg.Path = path
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such file", path)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var fc fileConfig
	md, err := toml.Decode(string(data), &fc)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d: %s", path, pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if undec := md.Undecoded(); len(undec) > 0 {
		keys := make([]string, len(undec))
		for i, k := range undec {
			keys[i] = k.String()
		}
		return nil, fmt.Errorf("%s: unknown key %s (known: pg-version, fail-on, migrations, deployed-by, max-lock-timeout, stats, small-table, large-table, deploy-order, [rules], [drift])", path, strings.Join(keys, ", "))
	}
	if fc.PGVersion != nil {
		if err := cfg.SetPGVersion(*fc.PGVersion); err != nil {
			return nil, fmt.Errorf("%s: pg-version: %w", path, err)
		}
	}
	if fc.FailOn != nil {
		if err := cfg.SetFailOn(*fc.FailOn); err != nil {
			return nil, fmt.Errorf("%s: fail-on: %w", path, err)
		}
	}
	if fc.DeployedBy != nil {
		if err := cfg.SetDeployedBy(*fc.DeployedBy, filepath.Base(path)); err != nil {
			return nil, fmt.Errorf("%s: deployed-by: %w", path, err)
		}
	}
	if fc.MaxLock != nil {
		if err := cfg.SetMaxLockTimeout(*fc.MaxLock); err != nil {
			return nil, fmt.Errorf("%s: max-lock-timeout: %w", path, err)
		}
	}
	cfg.Drift = fc.Drift
	if err := cfg.setStatsKeys(path, fc); err != nil {
		return nil, err
	}
	if fc.DeployOrd != nil {
		if err := cfg.SetDeployOrder(*fc.DeployOrd); err != nil {
			return nil, fmt.Errorf("%s: deploy-order: %w", path, err)
		}
	}
	for _, m := range fc.Migrations {
		if !filepath.IsAbs(m) {
			m = filepath.Join(filepath.Dir(path), m)
		}
		cfg.Migrations = append(cfg.Migrations, m)
	}
	ids := make([]string, 0, len(fc.Rules))
	for id := range fc.Rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if err := cfg.SetRule(id, fc.Rules[id]); err != nil {
			return nil, fmt.Errorf("%s: rules.%s: %w", path, id, err)
		}
	}
	return cfg, nil
}

// SetPGVersion sets the target PostgreSQL major version.
func (c *Config) SetPGVersion(v int) error {
	if v < 10 || v > 18 {
		return fmt.Errorf("%d is not a supported PostgreSQL major version (10 to 18)", v)
	}
	c.PGVersion = v
	return nil
}

// SetFailOn sets the lowest severity that makes the run fail: error,
// warning, notice, or never.
func (c *Config) SetFailOn(s string) error {
	if strings.EqualFold(s, "never") {
		c.FailOn = analysis.Off
		return nil
	}
	sev, err := analysis.ParseSeverity(s)
	if err != nil || sev == analysis.Off {
		return fmt.Errorf("%q is not a threshold (want error, warning, notice or never)", s)
	}
	c.FailOn = sev
	return nil
}

// SetDeployedBy says what deploys the migrations: migrate-guard, prisma,
// prisma@<version> or other. source says where the setting was read, for
// the report ("migrate-guard.toml", "--deployed-by").
func (c *Config) SetDeployedBy(s, source string) error {
	r, err := execution.ParseRunner(s)
	if err != nil {
		return err
	}
	r.Source = source
	c.Runner = r
	return nil
}

// SetMaxLockTimeout sets the longest lock_timeout a migration may set,
// written as PostgreSQL reads lock_timeout: "10s", "500ms", "1min"; a plain
// number is milliseconds.
func (c *Config) SetMaxLockTimeout(s string) error {
	d, ok := rules.ParseTimeout(s)
	if !ok || d <= 0 {
		return fmt.Errorf("%q is not a positive duration in PostgreSQL's units (e.g. \"10s\", \"500ms\", \"1min\")", s)
	}
	c.MaxLockTimeout = d
	return nil
}

// SetRule overrides a rule's severity.
func (c *Config) SetRule(id, severity string) error {
	if rules.ByID(id) == nil {
		return fmt.Errorf("unknown rule %q (see `migrate-guard rules`)", id)
	}
	sev, err := analysis.ParseSeverity(severity)
	if err != nil {
		return err
	}
	c.Rules[id] = sev
	return nil
}

// Severity returns the configured severity of a rule.
func (c *Config) Severity(r *analysis.Rule) analysis.Severity {
	if s, ok := c.Rules[r.ID]; ok {
		return s
	}
	return r.Severity
}

// setStatsKeys applies stats, small-table and large-table of a
// configuration file; a relative stats path is from the file's directory.
func (c *Config) setStatsKeys(path string, fc fileConfig) error {
	if fc.SmallTable != nil {
		if err := c.SetSmallTable(*fc.SmallTable); err != nil {
			return fmt.Errorf("%s: small-table: %w", path, err)
		}
	}
	if fc.LargeTable != nil {
		if err := c.SetLargeTable(*fc.LargeTable); err != nil {
			return fmt.Errorf("%s: large-table: %w", path, err)
		}
	}
	if fc.Stats != nil {
		p := *fc.Stats
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(path), p)
		}
		if err := c.LoadStats(p); err != nil {
			return fmt.Errorf("%s: stats: %w", path, err)
		}
	}
	return nil
}

// LoadStats reads the stats file that sizes the findings.
func (c *Config) LoadStats(path string) error {
	f, err := stats.Load(path)
	if err != nil {
		return err
	}
	c.Stats = f
	return nil
}

// SetSmallTable sets the estimated blocking time under which a lock finding
// drops to notice, in PostgreSQL's units ("1s", "500ms").
func (c *Config) SetSmallTable(s string) error {
	d, err := threshold(s)
	if err == nil {
		c.SmallTable = d
	}
	return err
}

// SetLargeTable sets the estimated blocking time over which a lock finding
// becomes an error, in PostgreSQL's units ("1min", "30s").
func (c *Config) SetLargeTable(s string) error {
	d, err := threshold(s)
	if err == nil {
		c.LargeTable = d
	}
	return err
}

func threshold(s string) (time.Duration, error) {
	d, ok := rules.ParseTimeout(s)
	if !ok || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration in PostgreSQL's units (e.g. \"1s\", \"1min\")", s)
	}
	return d, nil
}
