package partnernet

import (
	"bytes"
	"crypto/sha256"
	"slices"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/netfile"
)

func generate(t *testing.T, opt Options) ([]byte, Stats) {
	t.Helper()
	var buf bytes.Buffer
	st, err := Write(&buf, opt)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), st
}

func TestSameSeedSameBytes(t *testing.T) {
	a, _ := generate(t, Options{Links: 5000, Seed: 7})
	b, _ := generate(t, Options{Links: 5000, Seed: 7})
	c, _ := generate(t, Options{Links: 5000, Seed: 8})
	if sha256.Sum256(a) != sha256.Sum256(b) {
		t.Error("two runs with seed 7 differ")
	}
	if bytes.Equal(a, c) {
		t.Error("seeds 7 and 8 give the same network")
	}
}

// TestShape reads the file back as the importer does and checks the network
// is what the scale test relies on: the exact link count, every kind of
// organisation, a heavy tail of degrees and mostly regional links.
func TestShape(t *testing.T) {
	raw, st := generate(t, Options{Links: 20000, Seed: 1})
	doc, err := netfile.ReadDocument("net.json", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Links) != 20000 || st.Links != 20000 {
		t.Errorf("links: file %d, stats %d, want 20000", len(doc.Links), st.Links)
	}
	if len(doc.Actors) != st.Actors() || len(doc.Programmes) != st.Programmes || len(doc.Participations) != st.Participations {
		t.Errorf("file has %d actors, %d programmes, %d participations; stats %+v", len(doc.Actors), len(doc.Programmes), len(doc.Participations), st)
	}
	types := map[graph.OrgType]bool{}
	region := map[string]string{}
	for _, a := range doc.Actors {
		types[a.Type] = true
		region[a.Key] = a.Region
	}
	for _, want := range []graph.OrgType{graph.OrgSchool, graph.OrgUniversity, graph.OrgResearchCentre, graph.OrgCollege,
		graph.OrgLocalAuthority, graph.OrgAcademyTrust, graph.OrgCharity, graph.OrgBusiness} {
		if !types[want] {
			t.Errorf("no organisation of type %s", want)
		}
	}
	degree := map[string]int{}
	orgLinks, sameRegion := 0, 0
	for _, l := range doc.Links {
		degree[l.Source]++
		degree[l.Target]++
		if l.Evidence.Source == "" || l.Evidence.Quote == "" || l.From.IsZero() || l.Weight < 1 {
			t.Fatalf("link %s lacks evidence, a date or a weight: %+v", l.Key, l)
		}
		if rs, rt := region[l.Source], region[l.Target]; rs != "" && rt != "" {
			orgLinks++
			if rs == rt {
				sameRegion++
			}
		}
	}
	ds := make([]int, 0, len(degree))
	for _, d := range degree {
		ds = append(ds, d)
	}
	slices.Sort(ds)
	mean := float64(2*len(doc.Links)) / float64(len(doc.Actors))
	if top := ds[len(ds)-1]; float64(top) < 20*mean {
		t.Errorf("largest degree %d is under 20× the mean %.1f: no heavy tail", top, mean)
	}
	if share := float64(sameRegion) / float64(orgLinks); share < 0.8 {
		t.Errorf("%.2f of links between organisations stay in their region, want ≥ 0.8", share)
	}
}

func TestTooSmall(t *testing.T) {
	var buf bytes.Buffer
	if _, err := Write(&buf, Options{Links: MinLinks - 1}); err == nil || buf.Len() > 0 {
		t.Errorf("Write(%d links) = %v, wrote %d bytes; want an error and nothing written", MinLinks-1, err, buf.Len())
	}
}
