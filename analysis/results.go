package analysis

// A Result is an analysis of a whole file that several rules, or several
// statements of one rule, read: computed once per file, on first use. As
// with go/analysis's Requires and ResultOf, a rule names the results it
// reads in Rule.Requires and a result the results its computation reads in
// its own Requires; rules/results_test.go checks, from the source, that
// every rule and result declares what it reads.
type Result interface {
	// Name says what the result is, for messages and tests.
	Name() string
	// Requires lists the results its computation reads.
	Requires() []Result
}

// FileResult is a Result of type T.
type FileResult[T any] struct {
	name     string
	requires []Result
	compute  func(*Pass) T
}

// NewResult declares a result named name that compute produces from a pass
// on any statement of the file; requires are the results compute reads.
// compute must not depend on the pass's current statement.
func NewResult[T any](name string, compute func(*Pass) T, requires ...Result) *FileResult[T] {
	return &FileResult[T]{name: name, requires: requires, compute: compute}
}

// Name implements Result.
func (r *FileResult[T]) Name() string { return r.name }

// Requires implements Result.
func (r *FileResult[T]) Requires() []Result { return r.requires }

// Of returns the result for the file of p, computing it on first use.
// Callers share it and must not change it.
func (r *FileResult[T]) Of(p *Pass) T {
	if v, ok := p.Facts.results[r]; ok {
		return v.(T)
	}
	v := r.compute(p)
	p.Facts.results[r] = v
	return v
}
