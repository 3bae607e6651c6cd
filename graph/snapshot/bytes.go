package snapshot

import (
	"unsafe"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
)

// Estimates of the memory a cached network or snapshot holds, for the
// cache's byte bound. They count what grows with the network — structs,
// string bytes, slices, maps at a rough per-entry cost — not allocator
// overhead, so they are close to, and a little under, what the heap holds.

const (
	ptrSize      = int64(unsafe.Sizeof(uintptr(0)))
	strHeader    = int64(unsafe.Sizeof(""))
	mapEntryCost = 48 // hash map bucket share per entry, besides key and value
)

func strBytes(ss ...string) int64 {
	var n int64
	for _, s := range ss {
		n += int64(len(s))
	}
	return n
}

func attrBytes(m map[string]string) int64 {
	var n int64
	for k, v := range m {
		n += 2*strHeader + mapEntryCost + strBytes(k, v)
	}
	return n
}

func evidenceBytes(e graph.Evidence) int64 { return strBytes(e.Source, e.Quote, e.Note) }

func actorBytes(a *graph.Actor) int64 {
	n := int64(unsafe.Sizeof(*a)) + strBytes(a.ID, a.Key, string(a.Kind), a.Name, a.Description, a.Title,
		a.Email, a.Phone, string(a.OrgType), a.Sector, a.Region, a.ParentID) + evidenceBytes(a.Evidence) + attrBytes(a.Attrs)
	for _, r := range a.Roles {
		n += strHeader + int64(len(r))
	}
	return n
}

func programmeBytes(id string) int64 { return int64(len(id)) + 2*ptrSize }

func participationBytes(p *graph.Participation) int64 {
	return int64(len(p.ActorID)+len(p.ProgrammeID)) + 4*ptrSize
}

func linkBytes(l *graph.Link) int64 {
	return int64(unsafe.Sizeof(*l)) + strBytes(l.ID, l.Key, string(l.Type), l.SourceID, l.TargetID,
		l.ProgrammeID, l.BrokeredByID) + evidenceBytes(l.Evidence) + attrBytes(l.Attrs)
}

// bytes estimates what s holds beyond the base network it shares actors and
// links with: its analysis graph and its slices. Results memoised later are
// not counted.
func (s *Snapshot) bytes() int64 {
	n := int64(unsafe.Sizeof(*s)) + int64(cap(s.Actors)+cap(s.Links))*ptrSize +
		int64(cap(s.Times))*int64(unsafe.Sizeof(analysis.Interval{}))
	return n + graphBytes(s.G)
}

func graphBytes(g *analysis.Graph) int64 {
	const i32 = 4
	n := int64(unsafe.Sizeof(*g))
	n += int64(cap(g.Keys)) * strHeader                  // key bytes are the actors'
	n += int64(g.N()) * (strHeader + i32 + mapEntryCost) // the key index
	n += int64(len(g.Attrs)) * int64(g.N()) * strHeader  // attribute values are the actors'
	n += int64(cap(g.OutOff)+cap(g.OutAdj)+cap(g.OutEdg)+cap(g.Loops)) * i32
	if g.Directed { // undirected graphs alias In* to Out*
		n += int64(cap(g.InOff)+cap(g.InAdj)+cap(g.InEdg)) * i32
	}
	for _, e := range g.Edges {
		n += int64(unsafe.Sizeof(e)) + int64(cap(e.Links))*i32
	}
	return n
}
