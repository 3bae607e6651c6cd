package sqlite_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/sqlite"
	"github.com/partnergraph/partnergraph/graph/storetest"
)

func TestAdminContract(t *testing.T) {
	storetest.RunAdmin(t, func(t *testing.T) storetest.AdminBackend {
		s, err := sqlite.Open(context.Background(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// TestErasureLeavesNoCopy checks an erased person's name and contact details
// are gone from the database files themselves, not only from queries:
// deleted rows, the name index and the write-ahead log can all keep copies.
func TestErasureLeavesNoCopy(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	secrets := []string{"Zebulon Quillfeather", "zebulon.q@erasure.example", "+44 7700 900123"}
	p, err := s.CreateActor(ctx, &graph.Actor{Kind: graph.KindPerson, Key: "zq", Name: secrets[0], Email: secrets[1], Phone: secrets[2]})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 { // neighbours on the same pages, and index segments to merge
		if _, err := s.CreateActor(ctx, &graph.Actor{Kind: graph.KindPerson, Key: fmt.Sprint("p", i), Name: fmt.Sprint("Person Number ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	admin := graph.WithCaller(ctx, graph.Caller{Subject: "cli:test", Role: graph.AccessAdmin})
	if err := s.ErasePerson(ctx, p.ID, graph.NewAuditEntry(admin, graph.AuditErasePerson, graph.ErasureRef(p.ID), time.Now())); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range append(secrets, "Zebulon", "zebulon") {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s still holds %q after erasure", filepath.Base(f), secret)
			}
		}
	}
}
