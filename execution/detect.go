package execution

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Detect learns which Prisma version deploys the migrations in dir from the
// nearest package.json at or above it (up to the repository root, the
// directory holding .git): its dependencies, devDependencies or pnpm catalog
// name `prisma` (or `@prisma/client` when `prisma` is absent). A range such
// as "^6.19.0" means its lowest version; a lockfile beside the package.json
// (package-lock.json, pnpm-lock.yaml, yarn.lock, bun.lock) gives the exact
// version when it has one. It returns an Unset runner when nothing says, and
// an error only for a package.json that cannot be read.
func Detect(dir string) (Runner, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Runner{}, err
	}
	for d := abs; ; d = filepath.Dir(d) {
		pj := filepath.Join(d, "package.json")
		spec, found, err := prismaSpec(pj)
		if err != nil {
			return Runner{}, err
		}
		if found {
			return fromSpec(d, spec)
		}
		if isDir(filepath.Join(d, ".git")) || filepath.Dir(d) == d {
			return Runner{}, nil
		}
	}
}

func fromSpec(dir, spec string) (Runner, error) {
	rel := func(name string) string {
		if wd, err := os.Getwd(); err == nil {
			if r, err := filepath.Rel(wd, filepath.Join(dir, name)); err == nil {
				return r
			}
		}
		return filepath.Join(dir, name)
	}
	if v, lock, ok := lockedVersion(dir); ok {
		return Runner{Kind: Prisma, Version: v, HasVersion: true, Source: rel(lock)}, nil
	}
	v, ok := lowestOf(spec)
	if !ok {
		// "latest", a workspace or git reference: the version is unknown.
		return Runner{Kind: Prisma, Source: rel("package.json")}, nil
	}
	return Runner{Kind: Prisma, Version: v, HasVersion: true, Source: fmt.Sprintf("%s, %q", rel("package.json"), spec)}, nil
}

// packageJSON is the part of package.json that names Prisma.
type packageJSON struct {
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
	PNPM            struct {
		Catalog map[string]string `json:"catalog"`
	} `json:"pnpm"`
	Catalog  map[string]string            `json:"catalog"` // bun and yarn catalogs
	Catalogs map[string]map[string]string `json:"catalogs"`
}

// prismaSpec returns the version spec package.json gives Prisma's CLI.
func prismaSpec(path string) (spec string, found bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	var pj packageJSON
	if err := json.Unmarshal(data, &pj); err != nil {
		return "", false, fmt.Errorf("%s: %w", path, err)
	}
	for _, name := range []string{"prisma", "@prisma/client"} {
		for _, deps := range []map[string]string{pj.DevDependencies, pj.Dependencies} {
			if s, ok := deps[name]; ok {
				return resolveCatalog(s, name, pj, filepath.Dir(path)), true, nil
			}
		}
	}
	return "", false, nil
}

// resolveCatalog replaces a "catalog:" reference with the catalog's spec,
// looked up in package.json or in pnpm-workspace.yaml beside it.
func resolveCatalog(spec, name string, pj packageJSON, dir string) string {
	cat, ok := strings.CutPrefix(spec, "catalog:")
	if !ok {
		return spec
	}
	cat = strings.TrimSpace(cat)
	if cat == "" || cat == "default" {
		for _, m := range []map[string]string{pj.PNPM.Catalog, pj.Catalog} {
			if s, ok := m[name]; ok {
				return s
			}
		}
	} else if s, ok := pj.Catalogs[cat][name]; ok {
		return s
	}
	if s, ok := workspaceCatalog(filepath.Join(dir, "pnpm-workspace.yaml"), cat, name); ok {
		return s
	}
	return spec
}

// lowestOf returns the lowest version a semver range admits: "^6.19.0",
// "~7.8", ">=7.4.0 <8", "7.8.0", "6.x".
func lowestOf(spec string) (Version, bool) {
	s := strings.TrimSpace(spec)
	if i := strings.Index(s, "||"); i >= 0 {
		s = s[:i] // the first alternative; ranges are written lowest first
	}
	s = strings.Fields(s + " ")[0]
	s = strings.TrimLeft(s, "^~>=v ")
	s = strings.NewReplacer(".x", ".0", ".*", ".0").Replace(s)
	v, err := ParseVersion(s)
	return v, err == nil
}

// lockedVersion reads the exact Prisma version from a lockfile in dir.
func lockedVersion(dir string) (Version, string, bool) {
	readers := []struct {
		name string
		read func([]byte) (string, bool)
	}{
		{"package-lock.json", npmLocked},
		{"pnpm-lock.yaml", pnpmLocked},
		{"yarn.lock", yarnLocked},
		{"bun.lock", bunLocked},
	}
	for _, r := range readers {
		data, err := os.ReadFile(filepath.Join(dir, r.name))
		if err != nil {
			continue
		}
		if s, ok := r.read(data); ok {
			if v, err := ParseVersion(s); err == nil {
				return v, r.name, true
			}
		}
	}
	return Version{}, "", false
}

func npmLocked(data []byte) (string, bool) {
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
		Dependencies map[string]struct {
			Version string `json:"version"`
		} `json:"dependencies"`
	}
	if json.Unmarshal(data, &lock) != nil {
		return "", false
	}
	if p, ok := lock.Packages["node_modules/prisma"]; ok && p.Version != "" {
		return p.Version, true
	}
	if p, ok := lock.Dependencies["prisma"]; ok && p.Version != "" {
		return p.Version, true
	}
	return "", false
}

// The YAML and yarn lockfiles are read line by line for the one entry
// needed; they are data, not SQL, and a YAML library would be a dependency
// for a single key.
var (
	pnpmKey     = regexp.MustCompile(`^\s+/?prisma[@/]([0-9][^:(\s]*)`)
	pnpmImport  = regexp.MustCompile(`^\s+prisma:\s*$`)
	pnpmVersion = regexp.MustCompile(`^\s+version:\s*'?([0-9][^'(\s]*)`)
	yarnKey     = regexp.MustCompile(`^"?prisma@`)
	yarnVersion = regexp.MustCompile(`^\s+version:? "?([0-9][^"\s]*)`)
	bunEntry    = regexp.MustCompile(`"prisma":\s*\[\s*"prisma@([0-9][^"]*)"`)
)

func pnpmLocked(data []byte) (string, bool) {
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	fields := 0 // lines left of an importer's prisma entry (specifier, version)
	for sc.Scan() {
		line := sc.Text()
		if m := pnpmKey.FindStringSubmatch(line); m != nil {
			return m[1], true
		}
		if pnpmImport.MatchString(line) {
			fields = 2
			continue
		}
		if fields > 0 {
			if m := pnpmVersion.FindStringSubmatch(line); m != nil {
				return m[1], true
			}
			fields--
		}
	}
	return "", false
}

func yarnLocked(data []byte) (string, bool) {
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	inEntry := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case yarnKey.MatchString(line):
			inEntry = true
		case inEntry:
			if m := yarnVersion.FindStringSubmatch(line); m != nil {
				return m[1], true
			}
		}
	}
	return "", false
}

func bunLocked(data []byte) (string, bool) {
	if m := bunEntry.FindSubmatch(data); m != nil {
		return string(m[1]), true
	}
	return "", false
}

// workspaceCatalog reads `catalog:` or `catalogs: <name>:` entries of a
// pnpm-workspace.yaml for one package.
func workspaceCatalog(path, cat, name string) (string, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", false
	}
	section := "catalog:"
	if cat != "" && cat != "default" {
		section = cat + ":"
	}
	entry := regexp.MustCompile(`^\s+["']?` + regexp.QuoteMeta(name) + `["']?:\s*["']?([^"'\s]+)`)
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	in := false
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == section:
			in = true
		case in && line != "" && line[0] != ' ':
			in = false
		case in:
			if m := entry.FindStringSubmatch(line); m != nil {
				return m[1], true
			}
		}
	}
	return "", false
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
