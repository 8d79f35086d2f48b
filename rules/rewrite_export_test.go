package rules

// Internals the real-server tests in package rules_test check.
var (
	VolatileBuiltins  = volatileBuiltins
	VolatileElsewhere = volatileElsewhere
	StableBuiltins    = stableBuiltins
	StableElsewhere   = stableElsewhere
)

// TypeChangeEntries returns the entries of typeChanges as "from>to".
func TypeChangeEntries() []string {
	out := make([]string, len(typeChanges))
	for i, c := range typeChanges {
		out[i] = c.from + ">" + c.to
	}
	return out
}
