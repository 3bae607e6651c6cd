package neo4jtest

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/graph/neo4j"
)

// Server is a Neo4j a test started for itself with scripts/neo4j, on a free
// port, so the shared test server and every other server are left alone.
type Server struct {
	Port, URI string
	script    string
	env       []string
}

// StartServer starts an empty Neo4j of the test's own; it is stopped and its
// files deleted when the test ends. Starting one takes tens of seconds and
// Maven's jars, so it skips the test under -short, outside the suite's Neo4j
// runs (where NEO4J_URI is unset; scripts/test sets it) unless
// PARTNERGRAPH_FAULT_TESTS=1, and without Java (a failure under CI=true).
func StartServer(t *testing.T) *Server {
	t.Helper()
	if testing.Short() {
		t.Skip("starts and stops a Neo4j server")
	}
	if os.Getenv("NEO4J_URI") == "" && os.Getenv("PARTNERGRAPH_FAULT_TESTS") != "1" {
		t.Skip("needs Neo4j: run scripts/test, or set PARTNERGRAPH_FAULT_TESTS=1 where scripts/neo4j can start one")
	}
	if _, err := exec.LookPath("java"); err != nil {
		msg := "java not found: cannot start a Neo4j of its own (install openjdk-17-jdk-headless)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	script := repoFile(t, "scripts", "neo4j")
	// Neo4j takes a port number, not a listener, so the port is one that was
	// free a moment ago and another program may take it first (scripts/neo4j
	// then refuses it, exit 3). A start that fails is tried again on another
	// port, after deleting its files.
	for attempt := 1; ; attempt++ {
		s := newServer(freePort(t), script)
		start := time.Now()
		out, err := s.run("start")
		if err == nil {
			t.Logf("scripts/neo4j start (port %s) took %s", s.Port, time.Since(start).Round(100*time.Millisecond))
			t.Cleanup(func() { s.Run(t, "reset") })
			return s
		}
		s.run("reset") // the files of the failed start; never another's server
		if attempt == 3 {
			t.Fatalf("scripts/neo4j start (port %s), attempt %d: %v\n%s", s.Port, attempt, err, out)
		}
		t.Logf("scripts/neo4j start on port %s: %v\n%s\ntrying another port", s.Port, err, out)
	}
}

func newServer(port, script string) *Server {
	s := &Server{Port: port, URI: "bolt://127.0.0.1:" + port, script: script}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NEO4J_URI=") && !strings.HasPrefix(kv, "NEO4J_PORT=") {
			s.env = append(s.env, kv)
		}
	}
	s.env = append(s.env, "NEO4J_PORT="+port, "NEO4J_HEAP=512m", "NEO4J_PAGECACHE=64m", "NEO4J_START_TIMEOUT=180")
	return s
}

// Config returns the configuration of the server (no authentication).
func (s *Server) Config() neo4j.Config { return neo4j.Config{URI: s.URI} }

// Run runs scripts/neo4j cmd (start, stop, reset…) for this server, failing
// the test if it fails.
func (s *Server) Run(t *testing.T, cmd string) {
	t.Helper()
	start := time.Now()
	if out, err := s.run(cmd); err != nil {
		t.Fatalf("scripts/neo4j %s (port %s): %v\n%s", cmd, s.Port, err, out)
	}
	t.Logf("scripts/neo4j %s (port %s) took %s", cmd, s.Port, time.Since(start).Round(100*time.Millisecond))
}

func (s *Server) run(cmd string) ([]byte, error) {
	c := exec.Command(s.script, cmd)
	c.Env = s.env
	return c.CombinedOutput()
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// repoFile returns the path of a file of the repository, found from the
// test's working directory (its package's folder) upwards.
func repoFile(t *testing.T, elem ...string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(append([]string{dir}, elem...)...)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no go.mod above the test's folder: cannot find %s", filepath.Join(elem...))
		}
		dir = parent
	}
}
