// Command testsummary reads `go test -json` on standard input, prints what a
// plain `go test` would (each package's closing line, the output of failed
// tests and of build failures), then a count of the tests that passed,
// failed and skipped, and every skip with its reason.
//
// It exits non-zero when a test or package failed, or when a test skipped
// and CI=true: under CI every test must run, so a skip (a missing dataset, a
// server that did not start) fails the run instead of passing it quietly.
//
//	go test -json ./... | go run ./scripts/testsummary
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action     string
	Package    string
	ImportPath string // build-output and build-fail events
	Test       string
	Output     string
}

// skip is a skipped test and why.
type skip struct{ Package, Test, Reason string }

// summary accumulates the stream.
type summary struct {
	out            io.Writer
	passed, failed int
	skips          []skip
	failedPackages int
	malformed      int
	buf            map[string][]string // output of running tests, by package and test
}

func newSummary(out io.Writer) *summary {
	return &summary{out: out, buf: map[string][]string{}}
}

// add takes one line of the stream.
func (s *summary) add(line []byte) {
	var e event
	if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
		// Not test2json (a go command error on stderr merged in): show it.
		s.malformed++
		fmt.Fprintln(s.out, strings.TrimRight(string(line), "\n"))
		return
	}
	if e.Action == "build-output" {
		fmt.Fprint(s.out, e.Output)
		return
	}
	if e.Test == "" {
		s.packageEvent(e)
		return
	}
	key := e.Package + "\x00" + e.Test
	switch e.Action {
	case "output":
		s.buf[key] = append(s.buf[key], e.Output)
	case "pass":
		s.passed++
		delete(s.buf, key)
	case "fail":
		s.failed++
		for _, o := range s.buf[key] {
			fmt.Fprint(s.out, o)
		}
		delete(s.buf, key)
	case "skip":
		s.skips = append(s.skips, skip{e.Package, e.Test, skipReason(s.buf[key])})
		delete(s.buf, key)
	}
}

// packageEvent prints a package's own output: its closing "ok" or "FAIL"
// line, and whatever a crashed test binary printed; not the bare "PASS" that
// -json's verbose mode adds and a plain go test does not print.
func (s *summary) packageEvent(e event) {
	switch e.Action {
	case "output":
		if e.Output != "PASS\n" {
			fmt.Fprint(s.out, e.Output)
		}
	case "fail":
		s.failedPackages++
	}
}

// skipReason is what a skipped test printed, without the runner's own lines.
func skipReason(lines []string) string {
	var parts []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- SKIP") {
			continue
		}
		parts = append(parts, t)
	}
	if len(parts) == 0 {
		return "(no reason given)"
	}
	return strings.Join(parts, " ")
}

// report prints the counts and skips and returns the exit status.
func (s *summary) report(ci bool) int {
	for _, k := range s.skips {
		fmt.Fprintf(s.out, "SKIP %s %s: %s\n", k.Package, k.Test, k.Reason)
	}
	fmt.Fprintf(s.out, "tests: %d passed, %d failed, %d skipped\n", s.passed, s.failed, len(s.skips))
	switch {
	case s.failed > 0 || s.failedPackages > 0:
		return 1
	case ci && len(s.skips) > 0:
		fmt.Fprintf(s.out, "testsummary: %d tests skipped and CI=true: under CI every test must run\n", len(s.skips))
		return 1
	case s.malformed > 0:
		fmt.Fprintf(s.out, "testsummary: %d lines were not go test -json events\n", s.malformed)
		return 1
	}
	return 0
}

func main() {
	s := newSummary(os.Stdout)
	r := bufio.NewReader(os.Stdin)
	for {
		line, err := r.ReadBytes('\n')
		if len(strings.TrimSpace(string(line))) > 0 {
			s.add(line)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "testsummary:", err)
			os.Exit(1)
		}
	}
	os.Exit(s.report(os.Getenv("CI") == "true"))
}
