package clientsuite

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
)

// Outcome is how one test ended.
type Outcome string

// The outcomes go test reports (test2json actions).
const (
	Passed  Outcome = "pass"
	Failed  Outcome = "fail"
	Skipped Outcome = "skip"
)

// Results are the outcomes of one go test run, by full test name
// (Parent/Child), with each failed test's output.
type Results struct {
	Outcomes map[string]Outcome
	Output   map[string][]string
	// PackageFailed is set when the package itself failed (build error,
	// panic, timeout, or failed tests).
	PackageFailed bool
	// PackageOutput is output not attributed to any test (build errors).
	PackageOutput []string
}

// testEvent is one line of `go test -json` (cmd/test2json).
type testEvent struct {
	Action string
	Test   string
	Output string
}

// ParseResults reads `go test -json` output.
func ParseResults(r io.Reader) (Results, error) {
	res := Results{Outcomes: map[string]Outcome{}, Output: map[string][]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 || line[0] != '{' {
			res.PackageOutput = append(res.PackageOutput, string(line))
			continue
		}
		var ev testEvent
		if err := json.Unmarshal(line, &ev); err != nil {
			return Results{}, fmt.Errorf("decode go test -json line %q: %w", line, err)
		}
		switch ev.Action {
		case "output":
			if ev.Test == "" {
				res.PackageOutput = append(res.PackageOutput, strings.TrimRight(ev.Output, "\n"))
			} else {
				res.Output[ev.Test] = append(res.Output[ev.Test], strings.TrimRight(ev.Output, "\n"))
			}
		case string(Passed), string(Failed), string(Skipped):
			if ev.Test == "" {
				res.PackageFailed = ev.Action == string(Failed)
			} else {
				res.Outcomes[ev.Test] = Outcome(ev.Action)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return Results{}, fmt.Errorf("read go test -json output: %w", err)
	}
	return res, nil
}

// Expectation is one entry of a suite's list: a test that must fail, or
// one that is not run at all, and why.
type Expectation struct {
	Test   string
	Reason string
	// Skip: the test is not run (it crashes the test binary, or repeats
	// others); otherwise it must run and fail.
	Skip bool
}

// ParseExpectations reads a suite's list: one test per line, `fail` or
// `skip`, the test's full name (Parent/Child), then the reason (required).
// Blank lines and lines starting with # are ignored.
func ParseExpectations(r io.Reader) ([]Expectation, error) {
	var out []Expectation
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 3 || (fields[0] != "fail" && fields[0] != "skip") {
			return nil, fmt.Errorf("line %d: want `fail|skip <test> <reason>`, got %q", n, line)
		}
		name := fields[1]
		if seen[name] {
			return nil, fmt.Errorf("line %d: %q listed twice", n, name)
		}
		seen[name] = true
		out = append(out, Expectation{Test: name, Reason: strings.Join(fields[2:], " "), Skip: fields[0] == "skip"})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read expected failures: %w", err)
	}
	return out, nil
}

// SkipFlags turns the skip entries into go test flags: top-level tests are
// left out of -run (which names every other top-level test of topLevel),
// subtests go into -skip as one alternation per level,
// ^(a1|b1)$/^(a2|b2)$. That pattern matches every combination of the
// levels' names, so subtest entries must all have the same depth and a
// skipped name must not appear under another listed parent.
func SkipFlags(expected []Expectation, topLevel []string) ([]string, error) {
	skipTop := map[string]bool{}
	var levels [][]string
	for _, e := range expected {
		if !e.Skip {
			continue
		}
		parts := strings.Split(e.Test, "/")
		if len(parts) == 1 {
			skipTop[e.Test] = true
			continue
		}
		if levels == nil {
			levels = make([][]string, len(parts))
		}
		if len(parts) != len(levels) {
			return nil, fmt.Errorf("skip %q: every skipped subtest must be %d levels deep", e.Test, len(levels))
		}
		for i, p := range parts {
			levels[i] = append(levels[i], regexp.QuoteMeta(p))
		}
	}
	var flags []string
	if len(skipTop) > 0 {
		var run []string
		for _, t := range topLevel {
			if !skipTop[t] {
				run = append(run, regexp.QuoteMeta(t))
			}
		}
		flags = append(flags, "-run=^("+strings.Join(run, "|")+")$")
	}
	if len(levels) > 0 {
		elems := make([]string, len(levels))
		for i, names := range levels {
			elems[i] = "^(" + strings.Join(names, "|") + ")$"
		}
		flags = append(flags, "-skip="+strings.Join(elems, "/"))
	}
	return flags, nil
}

// Verdict compares a run with its expected failures.
type Verdict struct {
	Passed, Skipped []string
	// ExpectedFailures failed as listed.
	ExpectedFailures []Expectation
	// UnexpectedFailures failed without being listed (and not merely
	// because a listed child failed).
	UnexpectedFailures []string
	// UnexpectedPasses are listed but passed: take them off the list.
	UnexpectedPasses []Expectation
	// NotRun are listed but did not run (renamed, skipped, or the run
	// ended early).
	NotRun []Expectation
	// RanDespiteSkip are listed as skipped but ran.
	RanDespiteSkip []Expectation
	// Broken is set when the package failed with no test to blame (a build
	// error, a panic or timeout outside any test).
	Broken bool
}

// OK reports whether the run matched its expectations exactly.
func (v Verdict) OK() bool {
	return !v.Broken && len(v.UnexpectedFailures) == 0 && len(v.UnexpectedPasses) == 0 && len(v.NotRun) == 0 && len(v.RanDespiteSkip) == 0
}

// Judge decides the verdict. A failed test is expected when it is listed,
// or when one of its subtests failed (its own failure is then its
// subtests' failure, judged on its own). Every listed test must have
// failed.
func Judge(res Results, expected []Expectation) Verdict {
	var v Verdict
	listed := map[string]bool{}
	for _, e := range expected {
		if e.Skip {
			if _, ran := res.Outcomes[e.Test]; ran {
				v.RanDespiteSkip = append(v.RanDespiteSkip, e)
			}
			continue
		}
		listed[e.Test] = true
		switch res.Outcomes[e.Test] {
		case Failed:
			v.ExpectedFailures = append(v.ExpectedFailures, e)
		case Passed:
			v.UnexpectedPasses = append(v.UnexpectedPasses, e)
		default:
			v.NotRun = append(v.NotRun, e)
		}
	}
	failedChild := map[string]bool{}
	anyFailed := false
	for name, o := range res.Outcomes {
		if o != Failed {
			continue
		}
		anyFailed = true
		for p := name; strings.Contains(p, "/"); {
			p = p[:strings.LastIndex(p, "/")]
			failedChild[p] = true
		}
	}
	for name, o := range res.Outcomes {
		switch {
		case o == Passed:
			v.Passed = append(v.Passed, name)
		case o == Skipped:
			v.Skipped = append(v.Skipped, name)
		case !listed[name] && !failedChild[name]:
			v.UnexpectedFailures = append(v.UnexpectedFailures, name)
		}
	}
	v.Broken = res.PackageFailed && !anyFailed
	sort.Strings(v.Passed)
	sort.Strings(v.Skipped)
	sort.Strings(v.UnexpectedFailures)
	return v
}

// ErrUnexpected is returned when a suite's run did not match its list.
var ErrUnexpected = errors.New("client test suite did not match its expected failures")
