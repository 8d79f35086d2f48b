package rules

import (
	"strings"
	"unicode"

	"github.com/migrate-guard/migrate-guard/catalog"
)

// A dropped column and an added one are paired as a rename only on
// evidence, because the RENAME a finding offers would put the old values
// under the new name: wrong for an unrelated column. The evidence is
// weighed here and named in the finding, so a reader sees how sure it is.

// renameEvidence is why a drop and an add look like one renamed column.
type renameEvidence struct {
	sameName   bool   // the same words in another spelling (userId, user_id)
	sharedWord string // a significant word both names hold
	sameType   bool   // the very same type, modifiers included
	onlyPair   bool   // the only drop and the only add of the table in the file
	uniqueType bool   // the only drop and the only add of that type on the table
}

// likely reports whether the names themselves tie the columns together.
func (e renameEvidence) likely() bool { return e.sameName || e.sharedWord != "" }

// enough reports whether the evidence justifies a pairing.
func (e renameEvidence) enough() bool { return e.likely() || e.onlyPair || e.uniqueType }

// String names the evidence in a few words, for the finding.
func (e renameEvidence) String() string {
	var parts []string
	switch {
	case e.sameName:
		parts = append(parts, "the names are the same words spelt differently")
	case e.sharedWord != "":
		parts = append(parts, "both names hold “"+e.sharedWord+"”")
	}
	switch {
	case e.onlyPair:
		parts = append(parts, "they are the only column dropped and the only one added on the table")
	case e.uniqueType:
		parts = append(parts, "they are the only column of their type dropped and added on the table")
	}
	if e.sameType {
		parts = append(parts, "the types are the same")
	} else {
		parts = append(parts, "the types hold similar values")
	}
	return strings.Join(parts, ", ")
}

// nameWords splits an identifier into lower-case words at underscores,
// digits and camelCase boundaries ("accessTokenURLs" → access, token, url),
// with a plural s dropped so that "views" and "viewCount" share "view".
func nameWords(s string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, singular(strings.ToLower(string(cur))))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r):
			flush()
			continue
		case unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1])):
			flush()
		}
		cur = append(cur, r)
	}
	flush()
	return words
}

func singular(w string) string {
	if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
		return w[:len(w)-1]
	}
	return w
}

// genericWords say what kind of value a column holds, not what it is
// about: "processedCount" and "failureCount" share one and nothing else.
var genericWords = map[string]bool{
	"id": true, "at": true, "by": true, "is": true, "has": true, "of": true, "on": true, "to": true, "in": true,
	"count": true, "date": true, "time": true, "number": true, "num": true, "key": true, "type": true,
	"name": true, "value": true, "data": true, "url": true, "the": true, "and": true,
}

// compareNames weighs what two column names have in common.
func compareNames(e *renameEvidence, old, new string) {
	a, b := nameWords(old), nameWords(new)
	if strings.Join(a, " ") == strings.Join(b, " ") {
		e.sameName = true
		return
	}
	seen := map[string]bool{}
	for _, w := range a {
		seen[w] = true
	}
	for _, w := range b {
		// A generic word counts only as the whole of one name: "name" and
		// "fullName" are tied, "queueName" and "queueId" are not by "name".
		if seen[w] && len(w) > 2 && (!genericWords[w] || len(a) == 1 || len(b) == 1) {
			e.sharedWord = w
			return
		}
	}
}

// sameReference reports whether an added column's foreign key (if any)
// points where the dropped column's did, counting a table renamed in the
// same file as the same table: a new foreign-key column next to a dropped
// plain one is a new relation, not a renamed field.
func sameReference(dropRef, addRef catalog.Name, tables []tableRename) bool {
	if addRef == (catalog.Name{}) || addRef == dropRef {
		return true
	}
	for _, t := range tables {
		if t.Name == dropRef && t.New == addRef {
			return true
		}
	}
	return false
}
