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

// startProcess runs `partnergraph serve` and waits until it is ready.
func startProcess(t *testing.T, dir string) (*exec.Cmd, string) {
	t.Helper()
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--data", dir, "--addr", addr)
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	base := "http://" + addr
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return cmd, base
			}
		}
	}
	t.Fatalf("server did not become ready:\n%s", logs.String())
	return nil, ""
}

// TestKill9KeepsAcknowledgedWrites kills the server with SIGKILL while
// clients write, then checks every acknowledged write is there after restart.
func TestKill9KeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a server process")
	}
	dir := t.TempDir()
	cmd, base := startProcess(t, dir)
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
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
				acked = append(acked, key)
				mu.Unlock()
			}
		}()
	}
	time.Sleep(700 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	close(stop)
	wg.Wait()
	if len(acked) < 10 {
		t.Fatalf("only %d writes acknowledged before the kill", len(acked))
	}
	_, base = startProcess(t, dir)
	var got struct{ People struct{ TotalCount int } }
	gql(t, base, `{ people { totalCount } }`, &got)
	if got.People.TotalCount < len(acked) {
		t.Fatalf("after kill -9 and restart %d people, want at least the %d acknowledged", got.People.TotalCount, len(acked))
	}
	for _, k := range acked {
		var got struct{ Actor *struct{ Key string } }
		gql(t, base, `{ actor(key: "`+k+`") { key } }`, &got)
		if got.Actor == nil {
			t.Errorf("acknowledged write %s lost", k)
		}
	}
	t.Logf("%d acknowledged writes, all present after kill -9", len(acked))
}

// TestGracefulShutdown sends SIGTERM while requests are in flight — their
// headers read, their bodies still arriving — and checks the server finishes
// them, answers, and exits cleanly, and that their writes were kept.
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a server process")
	}
	dir := t.TempDir()
	cmd, base := startProcess(t, dir)
	addr := strings.TrimPrefix(base, "http://")
	const n = 5
	conns := make([]net.Conn, n)
	rests := make([]string, n)
	for i := range n {
		body := fmt.Sprintf(`{"query": "mutation { createPerson(input: {key: \"p%d\", name: \"P\"}) { key } }"}`, i)
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POST /graphql HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", addr, len(body), body[:10])
		conns[i], rests[i] = c, body[10:]
	}
	time.Sleep(300 * time.Millisecond) // the handlers are now waiting for the bodies
	cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(300 * time.Millisecond)
	for i, c := range conns {
		io.WriteString(c, rests[i])
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
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
	case <-time.After(30 * time.Second):
		t.Fatal("server did not exit after SIGTERM")
	}
	_, base = startProcess(t, dir)
	var got struct{ People struct{ TotalCount int } }
	gql(t, base, `{ people { totalCount } }`, &got)
	if got.People.TotalCount != n {
		t.Errorf("after shutdown %d people, want the %d written in flight", got.People.TotalCount, n)
	}
}
