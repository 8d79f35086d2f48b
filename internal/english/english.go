// Package english holds the grammar of migrate-guard's messages, so that
// each rule words a list or an article the same way.
package english

import "strings"

// Article is "an" before a word that starts with a vowel letter, else "a":
// right for the lock modes (an ACCESS EXCLUSIVE, a ROW SHARE), which are
// what messages put it before; a word such as UNIQUE would need "a".
func Article(word string) string {
	if word != "" && strings.ContainsRune("AEIOUaeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// WithArticle writes word after its article: "an ACCESS EXCLUSIVE".
func WithArticle(word string) string { return Article(word) + " " + word }

// Join joins with commas and a final "and": "a", "a and b", "a, b and c".
func Join(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
