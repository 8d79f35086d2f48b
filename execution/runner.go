package execution

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind is what sends a migration file to PostgreSQL.
type Kind int

// The runners.
const (
	// Unset means nothing said which runner deploys: files are modelled
	// as one transaction each, as Prisma before 7.4 and most SQL runners
	// run them, and migrate-guard's lock_timeout is assumed.
	Unset Kind = iota
	// Prisma is `prisma migrate deploy`; its Version decides how it sends a
	// file.
	Prisma
	// MigrateGuard is `migrate-guard deploy`.
	MigrateGuard
	// Other is any runner that wraps each file in one transaction unless
	// the file says otherwise (psql -1, Flyway, Atlas, goose).
	Other
)

// SplitVersion is the first Prisma version that splits a migration.sql into
// statements and sends each on its own (prisma-engines PR #5767).
var SplitVersion = Version{7, 4, 0}

// Version is a release number, major.minor.patch.
type Version struct{ Major, Minor, Patch int }

// Less reports whether v comes before w.
func (v Version) Less(w Version) bool {
	if v.Major != w.Major {
		return v.Major < w.Major
	}
	if v.Minor != w.Minor {
		return v.Minor < w.Minor
	}
	return v.Patch < w.Patch
}

func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch) }

// ParseVersion reads "7", "7.8" or "7.8.0" (a leading "v" and a
// pre-release or build suffix are ignored: "7.8.0-dev.3" is 7.8.0).
func ParseVersion(s string) (Version, error) {
	t := strings.TrimPrefix(strings.TrimSpace(s), "v")
	if i := strings.IndexAny(t, "-+"); i >= 0 {
		t = t[:i]
	}
	parts := strings.Split(t, ".")
	if len(parts) > 3 || t == "" {
		return Version{}, fmt.Errorf("%q is not a version (want major.minor.patch)", s)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return Version{}, fmt.Errorf("%q is not a version (want major.minor.patch)", s)
		}
		n[i] = v
	}
	return Version{n[0], n[1], n[2]}, nil
}

// Runner is what deploys the migrations, and for Prisma which version.
type Runner struct {
	Kind Kind
	// Version is Prisma's version; zero when HasVersion is false.
	Version    Version
	HasVersion bool
	// Source says where the runner was learnt: "migrate-guard.toml",
	// "--deployed-by", "package.json", "pnpm-lock.yaml", ...; "" when Unset.
	Source string
}

// ParseRunner reads a deployed-by setting: "prisma", "prisma@7.8.0",
// "migrate-guard" or "other".
func ParseRunner(s string) (Runner, error) {
	name, ver, hasVer := strings.Cut(strings.TrimSpace(s), "@")
	switch name {
	case "prisma":
		r := Runner{Kind: Prisma}
		if hasVer {
			v, err := ParseVersion(ver)
			if err != nil {
				return Runner{}, fmt.Errorf("%q: %w", s, err)
			}
			r.Version, r.HasVersion = v, true
		}
		return r, nil
	case "migrate-guard", "other":
		if hasVer {
			return Runner{}, fmt.Errorf("%q: only prisma takes a version", s)
		}
		if name == "other" {
			return Runner{Kind: Other}, nil
		}
		return Runner{Kind: MigrateGuard}, nil
	}
	return Runner{}, fmt.Errorf("%q is not a deploy tool (want migrate-guard, prisma, prisma@<version> or other)", s)
}

// String is the runner as deployed-by spells it: "prisma@7.8.0",
// "prisma", "migrate-guard", "other", or "" when Unset.
func (r Runner) String() string {
	switch r.Kind {
	case Prisma:
		if r.HasVersion {
			return "prisma@" + r.Version.String()
		}
		return "prisma"
	case MigrateGuard:
		return "migrate-guard"
	case Other:
		return "other"
	}
	return ""
}

// Splits reports whether the runner sends a file statement by statement,
// each committed on its own: Prisma 7.4 and later.
func (r Runner) Splits() bool {
	return r.Kind == Prisma && r.HasVersion && !r.Version.Less(SplitVersion)
}

// SetsLockTimeout reports whether the runner runs every migration under a
// lock_timeout of its own (migrate-guard deploy does; Prisma and plain SQL
// runners do not). Unset keeps migrate-guard's default.
func (r Runner) SetsLockTimeout() bool { return r.Kind == MigrateGuard || r.Kind == Unset }

// Name is how messages name the runner: "Prisma 7.8.0", "Prisma",
// "`migrate-guard deploy`", "the runner".
func (r Runner) Name() string {
	switch r.Kind {
	case Prisma:
		if r.HasVersion {
			return "Prisma " + r.Version.String()
		}
		return "Prisma"
	case MigrateGuard:
		return "`migrate-guard deploy`"
	}
	return "the runner"
}

// Describe is the runner for the report's summary line, with where it was
// learnt and, when nothing said, the model used instead.
func (r Runner) Describe() string {
	switch {
	case r.Kind == Unset:
		return "runner not set, so each file is modelled as one transaction, as Prisma < 7.4 runs it; set deployed-by"
	case r.Kind == Prisma && !r.HasVersion:
		return "prisma of unknown version, so each file is modelled as one transaction, as Prisma < 7.4 runs it; set deployed-by = \"prisma@<version>\""
	case r.Source != "":
		return r.String() + " (from " + r.Source + ")"
	}
	return r.String()
}
