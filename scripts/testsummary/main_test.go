package main

import (
	"bytes"
	"strings"
	"testing"
)

// stream is `go test -json` for one package: a pass, a skip with its
// reason, a failure with its log, and the package's closing lines.
const stream = `{"Action":"start","Package":"p"}
{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestA","Output":"=== RUN   TestA\n"}
{"Action":"output","Package":"p","Test":"TestA","Output":"--- PASS: TestA (0.00s)\n"}
{"Action":"pass","Package":"p","Test":"TestA"}
{"Action":"run","Package":"p","Test":"TestB"}
{"Action":"output","Package":"p","Test":"TestB","Output":"=== RUN   TestB\n"}
{"Action":"output","Package":"p","Test":"TestB","Output":"    b_test.go:9: needs Neo4j\n"}
{"Action":"output","Package":"p","Test":"TestB","Output":"--- SKIP: TestB (0.00s)\n"}
{"Action":"skip","Package":"p","Test":"TestB"}
{"Action":"run","Package":"p","Test":"TestC/sub"}
{"Action":"output","Package":"p","Test":"TestC/sub","Output":"    c_test.go:3: got 1, want 2\n"}
{"Action":"output","Package":"p","Test":"TestC/sub","Output":"--- FAIL: TestC/sub (0.00s)\n"}
{"Action":"fail","Package":"p","Test":"TestC/sub"}
{"Action":"output","Package":"p","Output":"FAIL\n"}
{"Action":"output","Package":"p","Output":"FAIL\tp\t0.01s\n"}
{"Action":"fail","Package":"p"}
`

func run(t *testing.T, in string, ci bool) (string, int) {
	t.Helper()
	var out bytes.Buffer
	s := newSummary(&out)
	for _, l := range strings.SplitAfter(in, "\n") {
		if strings.TrimSpace(l) != "" {
			s.add([]byte(l))
		}
	}
	code := s.report(ci)
	return out.String(), code
}

func TestSummary(t *testing.T) {
	out, code := run(t, stream, false)
	for _, want := range []string{
		"c_test.go:3: got 1, want 2\n--- FAIL: TestC/sub",
		"FAIL\tp\t0.01s\n",
		"SKIP p TestB: b_test.go:9: needs Neo4j\n",
		"tests: 1 passed, 1 failed, 1 skipped\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "TestA") {
		t.Errorf("output shows the passing test:\n%s", out)
	}
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
}

func TestSkipFailsUnderCI(t *testing.T) {
	passAndSkip := strings.Join(strings.Split(stream, "\n")[:10], "\n") + "\n" +
		`{"Action":"output","Package":"p","Output":"ok  \tp\t0.01s\n"}` + "\n" + `{"Action":"pass","Package":"p"}` + "\n"
	for _, tc := range []struct {
		name string
		ci   bool
		code int
	}{{"Local", false, 0}, {"CI", true, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			out, code := run(t, passAndSkip, tc.ci)
			if code != tc.code || !strings.Contains(out, "tests: 1 passed, 0 failed, 1 skipped\n") || !strings.Contains(out, "ok  \tp\t0.01s\n") {
				t.Errorf("exit %d, want %d; output:\n%s", code, tc.code, out)
			}
		})
	}
}

func TestNotJSON(t *testing.T) {
	out, code := run(t, "go: no such package\n", false)
	if code != 1 || !strings.Contains(out, "go: no such package\n") {
		t.Errorf("exit %d, output %q; want 1 and the line shown", code, out)
	}
}
