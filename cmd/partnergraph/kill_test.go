package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/graph/neo4j/neo4jtest"
)

// writeEdgeList writes a SNAP-style edge list of n distinct undirected
// links among nodes nodes, with comments, and returns how many nodes
// appear in it.
func writeEdgeList(t *testing.T, path string, n, nodes int) int {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "# A generated collaboration network\n# Nodes: %d Edges: %d\n# FromNodeId\tToNodeId\n", nodes, n)
	seen := map[[2]int]bool{}
	used := map[int]bool{}
	x := uint64(42)
	next := func() int { x = x*6364136223846793005 + 1442695040888963407; return int(x>>33) % nodes }
	for len(seen) < n {
		a, b := next(), next()
		if a == b {
			continue
		}
		if b < a {
			a, b = b, a
		}
		if seen[[2]int{a, b}] {
			continue
		}
		seen[[2]int{a, b}] = true
		used[a], used[b] = true, true
		fmt.Fprintf(w, "%d\t%d\n", a, b)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return len(used)
}

// TestImportKilledMidway kills (SIGKILL) the real program in the middle of
// a large import's transaction, then opens the store: it holds exactly what
// it held before, nothing of the import; the same import then completes.
func TestImportKilledMidway(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program and imports 50,000 links")
	}
	db := filepath.Join(t.TempDir(), "db")
	importKilledMidway(t, []string{"--data", db}, func() (int, int) { return counts(t, db) }, false)
}

// TestImportKilledMidwayNeo4j does the same on Neo4j, where the import is
// one server transaction: while it is open, a reader sees none of it, and
// the server rolls it back when the killed client's connection drops.
func TestImportKilledMidwayNeo4j(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program and imports 50,000 links")
	}
	st := neo4jtest.Open(t) // an empty database, held for this test
	neo := []string{"--store", "neo4j", "--neo4j-uri", neo4jtest.Config().URI}
	importKilledMidway(t, neo, func() (int, int) { return storeCounts(t, st) }, true)
}

// importKilledMidway runs the kill test on the store that storeArgs name
// and counts reads; with readDuring, it also counts while the import waits
// inside its transaction, and wants what the store held before.
//
// The kill comes at a point the test controls, not after a guessed time.
// The import's last file is a named pipe. Its first pass reads the pipe to
// the end (the test writes one line). Its second pass writes every row of
// the big file into the transaction, then opens the pipe again; the test's
// open for writing returns just then, and, holding the pipe open without
// writing, keeps the import inside its transaction until the kill.
func importKilledMidway(t *testing.T, storeArgs []string, counts func() (actors, links int), readDuring bool) {
	dir := t.TempDir()
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	importArgs := func(files ...string) []string { return append(append([]string{"import"}, storeArgs...), files...) }
	small := filepath.Join(dir, "small.txt")
	os.WriteFile(small, []byte("a b\nb c\nc a\n"), 0o644)
	if out, err := exec.Command(bin, importArgs(small)...).CombinedOutput(); err != nil {
		t.Fatalf("import: %v %s", err, out)
	}
	beforeA, beforeL := counts()
	big := filepath.Join(dir, "big.txt")
	const links = 50_000
	nodes := writeEdgeList(t, big, links, 10_000)
	tail := filepath.Join(dir, "tail.txt")
	if err := mkfifo(tail); err != nil {
		t.Skipf("the test needs a named pipe: %v", err)
	}

	cmd := exec.Command(bin, importArgs("--progress", big, tail)...)
	log := startWithLog(t, cmd, scanProgress)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	// First pass: the import reads the pipe to its end.
	w := openWriter(t, tail, exited)
	io.WriteString(w, "tail-1 tail-2\n")
	w.Close()
	// The writing bar shows from the 2,000th row written, after the first
	// pass has closed the pipe and before the second reaches it.
	log.waitLine(t, "writing")
	w = openWriter(t, tail, exited)
	defer w.Close()
	if readDuring {
		if a, l := counts(); a != beforeA || l != beforeL {
			t.Errorf("while the import's transaction was open, a reader saw %d actors and %d links, want %d and %d",
				a, l, beforeA, beforeL)
		}
	}

	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	err = <-exited
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("the import ended (%v) before it was killed:\n%s", err, log)
	}
	if a, l := counts(); a != beforeA || l != beforeL {
		t.Fatalf("killed inside the import's transaction: %d actors and %d links, want what it held before: %d and %d",
			a, l, beforeA, beforeL)
	}
	if out, err := exec.Command(bin, importArgs(big)...).CombinedOutput(); err != nil {
		t.Fatalf("import after the kill: %v %s", err, out)
	}
	if a, l := counts(); a != beforeA+nodes || l != beforeL+links {
		t.Errorf("after importing again: %d actors and %d links, want %d and %d", a, l, beforeA+nodes, beforeL+links)
	}
}

// openWriter opens the named pipe path for writing, which returns when a
// reader opens it; it fails the test if the process ends first (its result
// is sent on exited, and put back) or no reader comes within two minutes.
func openWriter(t *testing.T, path string, exited chan error) *os.File {
	t.Helper()
	opened := make(chan *os.File, 1)
	go func() {
		if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
			opened <- f
		}
		close(opened)
	}()
	fail := func(format string, args ...any) {
		// Open the pipe for reading too, so the blocked open returns.
		if r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			if f := <-opened; f != nil {
				f.Close()
			}
			r.Close()
		}
		t.Fatalf(format, args...)
	}
	select {
	case f := <-opened:
		if f == nil {
			t.Fatalf("open %s for writing failed", path)
		}
		return f
	case err := <-exited:
		exited <- err
		fail("the import ended (%v) before it opened %s", err, path)
	case <-time.After(2 * time.Minute):
		fail("the import did not open %s within two minutes", path)
	}
	return nil
}

// scanProgress splits a progress bar's output at carriage returns too.
func scanProgress(data []byte, atEOF bool) (int, []byte, error) {
	for i, b := range data {
		if b == '\n' || b == '\r' {
			return i + 1, data[:i], nil
		}
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}
