package prismaschema

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Source reads a project's files at one version: the working tree
// (DirSource) or a git commit (see lint's --base-ref). Paths are
// slash-separated and relative to the source's root.
type Source interface {
	ReadFile(name string) ([]byte, error)
	// ReadDir lists a directory's entries; directories end with "/". It
	// returns an error wrapping fs.ErrNotExist when there is none.
	ReadDir(name string) ([]string, error)
}

// DirSource reads files under a directory of the file system; absolute
// paths are read as they are.
type DirSource string

func (d DirSource) path(name string) string {
	if p := filepath.FromSlash(name); !filepath.IsAbs(p) {
		return filepath.Join(string(d), p)
	} else {
		return p
	}
}

// ReadFile reads a file under the directory.
func (d DirSource) ReadFile(name string) ([]byte, error) { return os.ReadFile(d.path(name)) }

// ReadDir lists a directory under the directory.
func (d DirSource) ReadDir(name string) ([]string, error) {
	ents, err := os.ReadDir(d.path(name))
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ents))
	for i, e := range ents {
		out[i] = e.Name()
		if e.IsDir() {
			out[i] += "/"
		}
	}
	return out, nil
}

// Load reads the schema at p: a .prisma file, or a folder whose .prisma
// files (in subfolders too, sorted by path) make one schema. Errors and
// declarations name files as prefix followed by their path.
func Load(src Source, p, prefix string) (*Schema, error) {
	files, err := schemaFiles(src, p)
	if err != nil {
		return nil, err
	}
	for i := range files {
		files[i].Path = prefix + files[i].Path
	}
	return Parse(files...)
}

// schemaFiles returns the files of the schema at p.
func schemaFiles(src Source, p string) ([]File, error) {
	if strings.HasSuffix(p, ".prisma") {
		data, err := src.ReadFile(p)
		if err != nil {
			return nil, err
		}
		return []File{{p, data}}, nil
	}
	var files []File
	var walk func(dir string) error
	walk = func(dir string) error {
		ents, err := src.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range ents {
			switch name := path.Join(dir, e); {
			case strings.HasSuffix(e, "/"):
				if err := walk(name); err != nil {
					return err
				}
			case strings.HasSuffix(e, ".prisma"):
				data, err := src.ReadFile(name)
				if err != nil {
					return err
				}
				files = append(files, File{name, data})
			}
		}
		return nil
	}
	if err := walk(p); err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no .prisma files in the folder", p)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}

// Locate finds the schema of the Prisma project in dir (relative to the
// source's root, "." for the root) as the Prisma CLI does: the `schema` of
// prisma.config.ts, else package.json's prisma.schema, else schema.prisma,
// prisma/schema.prisma or the prisma/schema folder. It returns the path
// relative to the source's root.
func Locate(src Source, dir string) (string, error) {
	if p := configSchema(src, dir); p != "" {
		return p, nil
	}
	for _, c := range []string{"schema.prisma", "prisma/schema.prisma"} {
		if _, err := src.ReadFile(path.Join(dir, c)); err == nil {
			return path.Join(dir, c), nil
		}
	}
	if _, err := src.ReadDir(path.Join(dir, "prisma/schema")); err == nil {
		return path.Join(dir, "prisma/schema"), nil
	}
	return "", fmt.Errorf("%s: no Prisma schema found (looked for prisma.config.ts, package.json's prisma.schema, schema.prisma, prisma/schema.prisma and prisma/schema/)", dir)
}

// configSchema returns the schema path that prisma.config.ts or
// package.json names, or "".
func configSchema(src Source, dir string) string {
	if data, err := src.ReadFile(path.Join(dir, "prisma.config.ts")); err == nil {
		if p := tsStringProperty(string(data), "schema"); p != "" {
			return path.Join(dir, p)
		}
	}
	data, err := src.ReadFile(path.Join(dir, "package.json"))
	if err != nil {
		return "" // no package.json: nothing configured
	}
	var pkg struct {
		Prisma struct {
			Schema string `json:"schema"`
		} `json:"prisma"`
	}
	if json.Unmarshal(data, &pkg) != nil || pkg.Prisma.Schema == "" {
		return ""
	}
	return path.Join(dir, pkg.Prisma.Schema)
}

// tsStringProperty finds `key: "value"` (or 'value', `value`) in
// TypeScript source, outside comments, and returns the value. prisma.config.ts
// writes the schema path as such a literal; a computed path is not followed.
func tsStringProperty(src, key string) string {
	for i := 0; i < len(src); i++ {
		switch {
		case strings.HasPrefix(src[i:], "//"):
			end := strings.IndexByte(src[i:], '\n')
			if end < 0 {
				return ""
			}
			i += end
			continue
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i:], "*/")
			if end < 0 {
				return ""
			}
			i += end + 1
			continue
		}
		if !strings.HasPrefix(src[i:], key) || i > 0 && identChar(src[i-1]) || i+len(key) < len(src) && identChar(src[i+len(key)]) {
			continue
		}
		rest := strings.TrimLeft(src[i+len(key):], " \t")
		if !strings.HasPrefix(rest, ":") {
			continue
		}
		rest = strings.TrimLeft(rest[1:], " \t\r\n")
		if rest == "" || !strings.ContainsRune("\"'`", rune(rest[0])) {
			continue
		}
		if end := strings.IndexByte(rest[1:], rest[0]); end >= 0 {
			return rest[1 : 1+end]
		}
	}
	return ""
}

// FindNear finds the schema that a migrations directory (or a migration in
// it) at dir belongs to, looking in dir and then each parent up to the
// source's root: a schema.prisma, a folder of .prisma files (a multi-file
// schema keeps its migrations beside them), or what Locate finds there.
func FindNear(src Source, dir string) (string, error) {
	for d := path.Clean(dir); ; d = path.Dir(d) {
		if ents, err := src.ReadDir(d); err == nil {
			folder := false
			for _, e := range ents {
				if e == "schema.prisma" {
					return path.Join(d, e), nil
				}
				folder = folder || strings.HasSuffix(e, ".prisma")
			}
			if folder {
				return d, nil
			}
		}
		if p, err := Locate(src, d); err == nil {
			return p, nil
		}
		if d == "." || d == "/" || path.Base(d) == ".." {
			return "", fmt.Errorf("%s: no Prisma schema found beside the migrations or in a parent directory", dir)
		}
	}
}
