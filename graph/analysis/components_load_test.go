package analysis

// Test-only loaders for the networks in testdata/networks (GraphML and SNAP
// edge lists) and the reference files, so these tests need no other package
// but internal/testnet. They read nodes in file order and keep a GraphML
// edge's "weight" (1 if absent).

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph/internal/testnet"
)

// refAllNetworks lists every network by name without extension; the
// reference tests range over it, so a lost reference file fails them.
var refAllNetworks = testnet.Names()

// refLoadNetwork loads the network name: its file in testnet.Networks, GraphML
// or a SNAP .txt edge list read as undirected.
func refLoadNetwork(t testing.TB, name string) *Graph {
	t.Helper()
	for _, file := range testnet.Networks {
		if strings.TrimSuffix(file, filepath.Ext(file)) != name {
			continue
		}
		read := refReadSNAP
		if filepath.Ext(file) == ".graphml" {
			read = refReadGraphML
		}
		g, err := read(testnet.Path(t, file))
		if err != nil {
			t.Fatalf("load %s: %v", name, err)
		}
		return g
	}
	t.Fatalf("load %s: not in testnet.Networks", name)
	return nil
}

type refGMLData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

type refGML struct {
	Keys []struct {
		ID   string `xml:"id,attr"`
		For  string `xml:"for,attr"`
		Name string `xml:"attr.name,attr"`
	} `xml:"key"`
	Graph struct {
		EdgeDefault string `xml:"edgedefault,attr"`
		Nodes       []struct {
			ID   string       `xml:"id,attr"`
			Data []refGMLData `xml:"data"`
		} `xml:"node"`
		Edges []struct {
			Source string       `xml:"source,attr"`
			Target string       `xml:"target,attr"`
			Data   []refGMLData `xml:"data"`
		} `xml:"edge"`
	} `xml:"graph"`
}

func refReadGraphML(path string) (*Graph, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc refGML
	if err := xml.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, k := range doc.Keys {
		names[k.ID] = k.Name
	}
	b := NewBuilder(doc.Graph.EdgeDefault == "directed")
	for _, nd := range doc.Graph.Nodes {
		v := b.Node(nd.ID)
		for _, d := range nd.Data {
			b.SetAttr(v, names[d.Key], strings.TrimSpace(d.Value))
		}
	}
	for i, e := range doc.Graph.Edges {
		w := 1.0
		for _, d := range e.Data {
			if names[d.Key] == "weight" {
				if w, err = strconv.ParseFloat(strings.TrimSpace(d.Value), 64); err != nil {
					return nil, err
				}
			}
		}
		b.Edge(b.Node(e.Source), b.Node(e.Target), w, int32(i))
	}
	return b.Build(), nil
}

func refReadSNAP(path string) (*Graph, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := NewBuilder(false)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		b.Edge(b.Node(fields[0]), b.Node(fields[1]), 1, -1)
	}
	return b.Build(), sc.Err()
}

// refReadCSV reads a CSV file with '#' comment lines into a header and rows.
func refReadCSV(t testing.TB, path string) ([]string, [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows[0], rows[1:]
}

// refReadJSON decodes a reference JSON file into v.
func refReadJSON(t testing.TB, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// refClose is the reference tolerance, testnet.Near: relative 1e-9 with an
// absolute floor of 1e-12, so that small values are really checked. Results
// compared with themselves across runs or worker counts must be equal bit for
// bit instead (TestParallelDeterminism).
func refClose(got, want float64) bool { return testnet.Near(got, want) }

// RefClose is refClose for the external test package.
var RefClose = refClose

// refNode returns the index of the node with key, failing if it is absent.
func refNode(t testing.TB, g *Graph, key string) int32 {
	t.Helper()
	v := g.Index(key)
	if v < 0 {
		t.Fatalf("reference node %q not in graph", key)
	}
	return v
}

// refPath is the reference file name under testdata/reference.
func refPath(name string) string { return filepath.Join("testdata", "reference", name) }
