package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// gql posts a GraphQL query to base and decodes data into out, failing on errors.
func gql(t *testing.T, base, query string, out any) {
	t.Helper()
	if err := tryGQL(base, query, out); err != nil {
		t.Fatal(err)
	}
}

func tryGQL(base, query string, out any) error {
	body, _ := json.Marshal(map[string]string{"query": query})
	res, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var r struct {
		Data   json.RawMessage
		Errors []map[string]any
	}
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		return err
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("graphql errors: %v", r.Errors)
	}
	if out != nil {
		return json.Unmarshal(r.Data, out)
	}
	return nil
}

// startMain runs the serve program in-process on a free port.
func startMain(t *testing.T, dir string, demo bool) *Main {
	t.Helper()
	m := NewMain()
	m.Store.DataDir, m.Addr, m.Demo, m.Logger = dir, "127.0.0.1:0", demo, zerolog.Nop()
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestServeDemo(t *testing.T) {
	dir := t.TempDir()
	m := startMain(t, dir, true)
	var got struct {
		Organisations struct {
			TotalCount int
			Nodes      []struct {
				Name  string
				Links struct{ TotalCount int }
			}
		}
		People struct{ TotalCount int }
		Actor  struct {
			Name  string
			Links struct {
				Nodes []struct {
					Evidence struct{ Source, Quote string }
				}
			}
		}
	}
	gql(t, m.URL(), `{ organisations(first: 100) { totalCount nodes { name links { totalCount } } } people { totalCount }
		actor(key: "liverpool-hope-university") { name links(first: 5) { nodes { evidence { source quote } } } } }`, &got)
	if got.Organisations.TotalCount < 20 || got.People.TotalCount < 10 {
		t.Errorf("demo has %d organisations and %d people, want the seeds' network", got.Organisations.TotalCount, got.People.TotalCount)
	}
	if got.Actor.Name != "Liverpool Hope University" || len(got.Actor.Links.Nodes) == 0 {
		t.Fatalf("Liverpool Hope University = %+v", got.Actor)
	}
	for _, l := range got.Actor.Links.Nodes {
		if l.Evidence.Source == "" || l.Evidence.Quote == "" {
			t.Errorf("link without evidence: %+v", l)
		}
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	// Loading the demo again changes nothing.
	m = startMain(t, dir, true)
	defer m.Close()
	var again struct{ Organisations struct{ TotalCount int } }
	gql(t, m.URL(), `{ organisations { totalCount } }`, &again)
	if again.Organisations.TotalCount != got.Organisations.TotalCount {
		t.Errorf("after a second --demo: %d organisations, want %d", again.Organisations.TotalCount, got.Organisations.TotalCount)
	}
}

func TestDataSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	m := startMain(t, dir, false)
	gql(t, m.URL(), `mutation { createPerson(input: {key: "kevin-lowden", name: "Kevin Lowden"}) { id } }`, nil)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	m = startMain(t, dir, false)
	defer m.Close()
	var got struct{ Actor struct{ Name string } }
	gql(t, m.URL(), `{ actor(key: "kevin-lowden") { name } }`, &got)
	if got.Actor.Name != "Kevin Lowden" {
		t.Errorf("after restart actor = %+v", got.Actor)
	}
}

// buildBinary builds partnergraph once for the tests that run it as a process.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "partnergraph-test")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "partnergraph")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// startProcess runs `partnergraph serve` on a port the kernel picks (no
// free port guessed and reused later), and returns once its log says where
// it listens.
func startProcess(t *testing.T, dir string) (*exec.Cmd, string, *procLog) {
	t.Helper()
	return startServe(t, "--data", dir)
}

// startServe is startProcess with serve's store flags given.
func startServe(t *testing.T, storeFlags ...string) (*exec.Cmd, string, *procLog) {
	t.Helper()
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append(append([]string{"serve"}, storeFlags...), "--addr", "127.0.0.1:0")...)
	log := startWithLog(t, cmd, bufio.ScanLines)
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// The line that says it serves is the one with the address it listens on.
	var serving struct{ Addr string }
	if err := json.Unmarshal([]byte(log.waitLine(t, `"addr":`)), &serving); err != nil || serving.Addr == "" {
		t.Fatalf("no address in the log line (%v):\n%s", err, log)
	}
	base := "http://" + serving.Addr
	// It logs after it listens: one request says it is ready.
	res, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("/readyz = %d:\n%s", res.StatusCode, log)
	}
	return cmd, base, log
}

// procLog keeps what a process writes on standard error, split into lines,
// so a test can wait for a line instead of guessing how long things take.
type procLog struct {
	mu    sync.Mutex
	lines []string
	ended bool
	grew  chan struct{} // closed (and replaced) when a line arrives or the stream ends
}

// startWithLog starts cmd with its standard error read into a procLog. The
// pipe is the process's own (not copied by exec), so Wait and the reader
// never race, and the reader drains it until the process and its children
// are gone.
func startWithLog(t *testing.T, cmd *exec.Cmd, split bufio.SplitFunc) *procLog {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = w
	err = cmd.Start()
	w.Close()
	if err != nil {
		r.Close()
		t.Fatal(err)
	}
	l := &procLog{grew: make(chan struct{})}
	go func() {
		defer r.Close()
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 1<<20)
		sc.Split(split)
		for sc.Scan() {
			l.mu.Lock()
			l.lines = append(l.lines, sc.Text())
			close(l.grew)
			l.grew = make(chan struct{})
			l.mu.Unlock()
		}
		io.Copy(io.Discard, r)
		l.mu.Lock()
		l.ended = true
		close(l.grew)
		l.mu.Unlock()
	}()
	return l
}

// waitLine returns the first line that contains s, failing the test if the
// stream ends without one or none comes within two minutes (a bound for a
// stuck process, not a guess at how long it takes).
func (l *procLog) waitLine(t *testing.T, s string) string {
	t.Helper()
	deadline := time.NewTimer(2 * time.Minute)
	defer deadline.Stop()
	for i := 0; ; {
		l.mu.Lock()
		for ; i < len(l.lines); i++ {
			if strings.Contains(l.lines[i], s) {
				line := l.lines[i]
				l.mu.Unlock()
				return line
			}
		}
		ended, grew := l.ended, l.grew
		l.mu.Unlock()
		if ended {
			t.Fatalf("the process ended without logging %q:\n%s", s, l)
		}
		select {
		case <-grew:
		case <-deadline.C:
			t.Fatalf("no %q logged within two minutes:\n%s", s, l)
		}
	}
}

func (l *procLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// TestKill9KeepsAcknowledgedWrites kills the server with SIGKILL while
// clients write, once they have had some writes acknowledged (not after a
// guessed time), then checks every acknowledged write is there after
// restart.
func TestKill9KeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a server process")
	}
	dir := t.TempDir()
	cmd, base, _ := startProcess(t, dir)
	const before = 100 // writes acknowledged before the kill
	var mu sync.Mutex
	var acked []string
	enough, stopped := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				key := fmt.Sprintf("w%d-%04d", w, i)
				if tryGQL(base, `mutation { createPerson(input: {key: "`+key+`", name: "Person `+key+`"}) { id } }`, nil) != nil {
					return // the server is gone; this write was not acknowledged
				}
				mu.Lock()
				if acked = append(acked, key); len(acked) == before {
					close(enough)
				}
				mu.Unlock()
			}
		})
	}
	go func() { wg.Wait(); close(stopped) }()
	select {
	case <-enough:
	case <-stopped:
		t.Fatalf("every writer failed before %d writes were acknowledged", before)
	case <-time.After(2 * time.Minute):
		t.Fatalf("%d writes not acknowledged within two minutes", before)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	close(stop)
	<-stopped
	_, base, _ = startProcess(t, dir)
	var got struct{ People struct{ TotalCount int } }
	gql(t, base, `{ people { totalCount } }`, &got)
	if got.People.TotalCount < len(acked) {
		t.Fatalf("after kill -9 and restart %d people, want at least the %d acknowledged", got.People.TotalCount, len(acked))
	}
	checkAcked(t, http.DefaultClient, base, acked)
	t.Logf("%d acknowledged writes, all present after kill -9", len(acked))
}

// TestGracefulShutdown sends SIGTERM while requests are in flight — their
// handlers reading bodies that have not all arrived — and checks the
// server finishes them, answers, and exits cleanly, and that their writes
// were kept. Each request asks for 100-continue: the server answers that
// when its handler starts reading the body, so the test knows the request
// is in flight instead of sleeping.
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a server process")
	}
	dir := t.TempDir()
	cmd, base, log := startProcess(t, dir)
	addr := strings.TrimPrefix(base, "http://")
	const n = 5
	conns := make([]net.Conn, n)
	readers := make([]*bufio.Reader, n)
	bodies := make([]string, n)
	for i := range n {
		bodies[i] = fmt.Sprintf(`{"query": "mutation { createPerson(input: {key: \"p%d\", name: \"P\"}) { key } }"}`, i)
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POST /graphql HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n", addr, len(bodies[i]))
		conns[i], readers[i] = c, bufio.NewReader(c)
		c.SetReadDeadline(time.Now().Add(2 * time.Minute)) // a bound for a stuck server
		if res, err := http.ReadResponse(readers[i], nil); err != nil || res.StatusCode != http.StatusContinue {
			t.Fatalf("request %d: want 100 Continue, got %v %v", i, res, err)
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	log.waitLine(t, "shutting down")
	// Shutdown has begun once the server stops accepting connections.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the server still accepts connections a minute after SIGTERM")
		}
	}
	for i, c := range conns {
		io.WriteString(c, bodies[i])
		res, err := http.ReadResponse(readers[i], nil)
		if err != nil {
			t.Fatalf("in-flight request %d cut off: %v", i, err)
		}
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || !strings.Contains(string(b), fmt.Sprintf(`"key":"p%d"`, i)) {
			t.Errorf("in-flight request %d: %d %s", i, res.StatusCode, b)
		}
	}
	done := make(chan error)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("server did not exit after SIGTERM")
	}
	_, base, _ = startProcess(t, dir)
	var got struct{ People struct{ TotalCount int } }
	gql(t, base, `{ people { totalCount } }`, &got)
	if got.People.TotalCount != n {
		t.Errorf("after shutdown %d people, want the %d written in flight", got.People.TotalCount, n)
	}
}
