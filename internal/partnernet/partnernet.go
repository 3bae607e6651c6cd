// Package partnernet generates reproducible partnership-like networks for
// scale tests: organisations of the model's types in sectors and regions
// (schools and the academy trusts they belong to, universities with their
// departments, colleges, councils, charities, businesses, health trusts),
// people affiliated with them, programmes with participations, and dated,
// weighted, evidenced links of the model's types between them.
//
// The shape follows what the scale test needs to be realistic about:
//   - heavy-tailed degrees: link ends are drawn by preferential attachment
//     (Barabási & Albert 1999) — an end is a uniform pick from the ends of
//     the links so far, so an actor's chance grows with its degree — mixed
//     with a uniform pick so newcomers get links too;
//   - planted communities: every actor belongs to a region and 90% of links
//     stay inside it, so community detection has clusters to find;
//   - brokers: a few links are brokered by a third actor of the region.
//
// The output is the service's own JSON format (netfile, "partnergraph/1"),
// written as a stream, one entity per line, so `partnergraph import` loads
// the same file into either backend. The same options give the same bytes.
package partnernet

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/netfile"
)

// Options says what to generate.
type Options struct {
	Links int    // links to write, exactly (at least MinLinks)
	Seed  uint64 // the same seed and size give the same bytes
}

// MinLinks is the smallest network Write makes: enough for every kind of
// organisation to exist in a few regions.
const MinLinks = 200

// Stats counts what Write wrote.
type Stats struct {
	Organisations, People, Programmes, Participations, Links int
}

// Actors returns the number of people and organisations.
func (s Stats) Actors() int { return s.Organisations + s.People }

// Write generates the network opt describes and writes it to w.
func Write(w io.Writer, opt Options) (Stats, error) {
	if opt.Links < MinLinks {
		return Stats{}, fmt.Errorf("partnernet: links: %d is below the minimum of %d", opt.Links, MinLinks)
	}
	g := newGenerator(opt)
	bw := bufio.NewWriterSize(w, 1<<20)
	out := &docOut{w: bw}
	g.write(out)
	if out.err != nil {
		return Stats{}, out.err
	}
	if err := bw.Flush(); err != nil {
		return Stats{}, err
	}
	return g.stats, nil
}

// Regions are the planted communities, with their relative sizes (uneven,
// as real regions are).
var regions = []struct {
	name   string
	weight int
}{
	{"London", 14}, {"South East", 12}, {"North West", 11}, {"East of England", 10},
	{"West Midlands", 9}, {"South West", 9}, {"Yorkshire and the Humber", 8}, {"East Midlands", 8},
	{"North East", 7}, {"Scotland", 5}, {"Wales", 4}, {"Northern Ireland", 3},
}

// orgKind is an organisation type with its sector and its share, in
// percent, of the organisations that are not universities, departments or
// trusts.
type orgKind struct {
	typ    graph.OrgType
	sector string
	share  int
}

var orgKinds = []orgKind{
	{graph.OrgSchool, "Education", 44},
	{graph.OrgCollege, "Education", 5},
	{graph.OrgLocalAuthority, "Public", 4},
	{graph.OrgCharity, "Voluntary", 24},
	{graph.OrgBusiness, "Private", 19},
	{graph.OrgHealth, "Health", 4},
}

var (
	placeStarts = []string{"Ash", "Brad", "Cal", "Dun", "Elm", "Fair", "Glen", "Hart", "Ink", "Kings",
		"Lang", "Mar", "Nor", "Oak", "Pen", "Queens", "Ros", "Stan", "Thorn", "Wes"}
	placeEnds   = []string{"ford", "ley", "ton", "bury", "field", "ham", "wick", "by", "mouth", "stead"}
	firstNames  = []string{"Amira", "Ben", "Chloe", "Dev", "Ellen", "Femi", "Grace", "Hassan", "Isla", "Jack", "Kiran", "Lena", "Marcus", "Nadia", "Owen", "Priya", "Rhys", "Sofia", "Tom", "Uma", "Victor", "Wen", "Yusuf", "Zoe"}
	surnames    = []string{"Adams", "Begum", "Clarke", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal", "Jones", "Khan", "Lewis", "Morgan", "Nwosu", "Okafor", "Patel", "Quinn", "Roberts", "Singh", "Taylor", "Usman", "Walsh", "Young", "Zhang"}
	subjects    = []string{"Education", "Chemistry", "Computer Science", "Sociology", "Engineering", "History", "Public Health", "Mathematics"}
	themes      = []string{"Reading", "STEM", "Widening Participation", "Youth Voice", "Civic", "Mental Health", "Careers", "Climate"}
	charityTail = []string{"Food Bank", "Youth Trust", "Community Foundation", "Arts Collective", "Refugee Forum"}
	tradeTail   = []string{"Engineering Ltd", "Digital Ltd", "Builders", "Energy plc", "Logistics"}
	schoolTail  = []string{"Primary School", "Academy", "High School", "Church of England School"}
	personRoles = map[graph.OrgType]string{graph.OrgSchool: "teacher", graph.OrgCollege: "lecturer",
		graph.OrgUniversity: "professor", graph.OrgResearchCentre: "researcher", graph.OrgAcademyTrust: "trust leader",
		graph.OrgLocalAuthority: "council officer", graph.OrgCharity: "project worker", graph.OrgBusiness: "manager",
		graph.OrgHealth: "clinician"}
)

type actor struct {
	key, name string
	region    int
	person    bool
	org       graph.OrgType
}

type generator struct {
	rng      *rand.Rand
	opt      Options
	actors   []actor
	byRegion [][]int32 // actors of each region
	ends     [][]int32 // link ends so far in each region: the preferential attachment urn
	progs    [][]int   // programmes of each region
	regionOf []int     // of each programme
	stats    Stats
}

func newGenerator(opt Options) *generator {
	return &generator{rng: rand.New(rand.NewPCG(opt.Seed, 0x9e3779b97f4a7c15)), opt: opt,
		byRegion: make([][]int32, len(regions)), ends: make([][]int32, len(regions)), progs: make([][]int, len(regions))}
}

func (g *generator) write(out *docOut) {
	nActors := max(g.opt.Links/10, 60)
	nOrgs := nActors * 3 / 10
	out.open("actors")
	g.writeOrganisations(out, nOrgs)
	g.writePeople(out, nActors-nOrgs)
	out.open("programmes")
	g.writeProgrammes(out, max(nActors/500, 3))
	out.open("participations")
	g.writeParticipations(out)
	out.open("links")
	g.writeLinks(out)
	out.close()
}

// region draws a region by weight.
func (g *generator) region() int {
	total := 0
	for _, r := range regions {
		total += r.weight
	}
	n := g.rng.IntN(total)
	for i, r := range regions {
		if n < r.weight {
			return i
		}
		n -= r.weight
	}
	return len(regions) - 1
}

func (g *generator) place(region int) string {
	// Places belong to one region each: index ≡ region (mod regions).
	perRegion := len(placeStarts) * len(placeEnds) / len(regions)
	i := g.rng.IntN(perRegion)*len(regions) + region
	return placeStarts[i/len(placeEnds)] + placeEnds[i%len(placeEnds)]
}

func pick[T any](g *generator, xs []T) T { return xs[g.rng.IntN(len(xs))] }

// add records a new actor and returns its index.
func (g *generator) add(a actor) int32 {
	i := int32(len(g.actors))
	g.actors = append(g.actors, a)
	g.byRegion[a.region] = append(g.byRegion[a.region], i)
	return i
}

// writeOrganisations writes universities first, then academy trusts, then
// the rest, so every parent comes before its children.
func (g *generator) writeOrganisations(out *docOut, n int) {
	nUni := max(n/120, 1)
	nTrust := max(n/40, 1)
	var unis, trusts []int32
	org := func(typ graph.OrgType, sector, name string, region int, parent int32) int32 {
		i := g.add(actor{key: fmt.Sprintf("org-%06d", len(g.actors)), name: name, region: region, org: typ})
		d := netfile.DocActor{Key: g.actors[i].key, Kind: graph.KindOrganisation, Name: name, Type: typ, Sector: sector,
			Region: regions[region].name, Evidence: graph.Evidence{Source: "scale-test register of organisations"}}
		if parent >= 0 {
			d.Parent = g.actors[parent].key
		}
		out.item(d)
		g.stats.Organisations++
		return i
	}
	for range nUni {
		r := g.region()
		unis = append(unis, org(graph.OrgUniversity, "Higher education", "University of "+g.place(r), r, -1))
	}
	for range nTrust {
		r := g.region()
		trusts = append(trusts, org(graph.OrgAcademyTrust, "Education", g.place(r)+" Learning Trust", r, -1))
	}
	// Departments: a fixed number per university, as units of it.
	for _, u := range unis {
		for _, s := range subjects {
			org(graph.OrgResearchCentre, "Higher education", "Department of "+s+", "+g.actors[u].name, g.actors[u].region, u)
		}
	}
	for g.stats.Organisations < n {
		k := g.orgKind()
		r := g.region()
		parent := int32(-1)
		name := g.place(r)
		switch k.typ {
		case graph.OrgSchool:
			name += " " + pick(g, schoolTail)
			// A third of schools are in a trust of their region, when it has one.
			if t := pick(g, trusts); g.rng.IntN(3) == 0 && g.actors[t].region == r {
				parent = t
			}
		case graph.OrgCollege:
			name += " College"
		case graph.OrgLocalAuthority:
			name += " Borough Council"
		case graph.OrgCharity:
			name += " " + pick(g, charityTail)
		case graph.OrgBusiness:
			name += " " + pick(g, tradeTail)
		case graph.OrgHealth:
			name += " NHS Trust"
		}
		org(k.typ, k.sector, name, r, parent)
	}
}

func (g *generator) orgKind() orgKind {
	n := g.rng.IntN(100)
	for _, k := range orgKinds {
		if n < k.share {
			return k
		}
		n -= k.share
	}
	return orgKinds[len(orgKinds)-1]
}

// writePeople writes the people; each is affiliated with one organisation
// of a region, drawn with the organisations' sizes heavy-tailed (the
// affiliation links are written with the others, in writeLinks).
func (g *generator) writePeople(out *docOut, n int) {
	for i := range n {
		r := g.region()
		name := pick(g, firstNames) + " " + pick(g, surnames)
		a := g.add(actor{key: fmt.Sprintf("person-%06d", i), name: name, region: r, person: true})
		out.item(netfile.DocActor{Key: g.actors[a].key, Kind: graph.KindPerson, Name: name,
			Evidence: graph.Evidence{Source: "scale-test staff lists"}})
		g.stats.People++
	}
}

func (g *generator) writeProgrammes(out *docOut, n int) {
	for i := range n {
		r := g.region()
		start := 2012 + g.rng.IntN(12)
		theme := pick(g, themes)
		key := fmt.Sprintf("prog-%04d", i)
		g.progs[r] = append(g.progs[r], i)
		g.regionOf = append(g.regionOf, r)
		out.item(netfile.DocProgramme{Key: key, Name: fmt.Sprintf("%s %s Programme %d", regions[r].name, theme, i),
			Aims: []string{"raise attainment through " + theme + " partnerships"}, Tags: []string{theme, regions[r].name},
			Start: date(start, 9, 1), End: date(start+1+g.rng.IntN(4), 7, 31),
			Evidence: graph.Evidence{Source: "scale-test programme register", Quote: theme + " programme launched in " + regions[r].name}})
		g.stats.Programmes++
	}
}

// writeParticipations gives every programme a lead, a funder and partners
// from its region's organisations.
func (g *generator) writeParticipations(out *docOut) {
	roles := []graph.Role{graph.RoleLead, graph.RoleFunder, graph.RoleEvaluator}
	for p, r := range g.regionOf {
		orgs := g.orgsOf(r)
		if len(orgs) == 0 {
			continue
		}
		seen := map[int32]bool{}
		for j := range 3 + g.rng.IntN(25) {
			a := pick(g, orgs)
			if seen[a] {
				continue
			}
			seen[a] = true
			role := graph.RolePartner
			if j < len(roles) {
				role = roles[j]
			}
			out.item(netfile.DocParticipation{Actor: g.actors[a].key, Programme: fmt.Sprintf("prog-%04d", p), Role: role,
				Evidence: graph.Evidence{Source: "scale-test programme register", Quote: g.actors[a].name + " takes part as " + string(role)}})
			g.stats.Participations++
		}
	}
}

func (g *generator) orgsOf(r int) []int32 {
	var orgs []int32
	for _, a := range g.byRegion[r] {
		if !g.actors[a].person {
			orgs = append(orgs, a)
		}
	}
	return orgs
}

// writeLinks writes each person's affiliation, then links between actors
// drawn by preferential attachment, mostly within a region.
func (g *generator) writeLinks(out *docOut) {
	orgsOf := make([][]int32, len(regions))
	for r := range regions {
		orgsOf[r] = g.orgsOf(r)
	}
	for i, a := range g.actors {
		if a.person && g.stats.Links < g.opt.Links && len(orgsOf[a.region]) > 0 {
			// People join organisations in proportion to their size so far.
			org := g.attach(a.region, orgsOf[a.region], func(j int32) bool { return !g.actors[j].person })
			g.link(out, int32(i), org, graph.LinkAffiliation, true, -1)
		}
	}
	for g.stats.Links < g.opt.Links {
		r := g.region()
		if len(g.byRegion[r]) < 2 {
			continue
		}
		a := g.attach(r, g.byRegion[r], nil)
		if g.rng.IntN(10) == 0 {
			r = g.region() // the 10% of links that leave the region
		}
		b := g.attach(r, g.byRegion[r], nil)
		if a == b {
			continue
		}
		typ, directed := g.linkType(a, b)
		prog := -1
		if ps := g.progs[g.actors[a].region]; len(ps) > 0 && g.rng.IntN(5) == 0 {
			prog = pick(g, ps)
		}
		g.link(out, a, b, typ, directed, prog)
	}
}

// attach draws an actor of region r: with probability 4/5 by preferential
// attachment (a uniform pick among the region's link ends so far, which
// ok accepts), otherwise uniformly from pool.
func (g *generator) attach(r int, pool []int32, ok func(int32) bool) int32 {
	if ends := g.ends[r]; len(ends) > 0 && g.rng.IntN(5) != 0 {
		for range 4 {
			if e := pick(g, ends); ok == nil || ok(e) {
				return e
			}
		}
	}
	return pick(g, pool)
}

func (g *generator) linkType(a, b int32) (graph.LinkType, bool) {
	pa, pb := g.actors[a].person, g.actors[b].person
	n := g.rng.IntN(100)
	switch {
	case pa && pb:
		if n < 60 {
			return graph.LinkCollaboration, false
		}
		return graph.LinkKnowledgeExchange, false
	case pa || pb:
		switch {
		case n < 50:
			return graph.LinkMembership, true
		case n < 80:
			return graph.LinkGovernance, true
		}
		return graph.LinkKnowledgeExchange, false
	}
	switch {
	case n < 50:
		return graph.LinkPartnership, false
	case n < 65:
		return graph.LinkFunding, true
	case n < 85:
		return graph.LinkKnowledgeExchange, false
	}
	return graph.LinkCollaboration, false
}

var verbs = map[graph.LinkType]string{
	graph.LinkAffiliation: "works at", graph.LinkMembership: "is a member of", graph.LinkGovernance: "sits on the board of",
	graph.LinkPartnership: "signed a partnership with", graph.LinkFunding: "funds", graph.LinkCollaboration: "worked with",
	graph.LinkKnowledgeExchange: "exchanged knowledge with", graph.LinkParticipation: "took part with",
}

// link writes one link from a to b, dated, weighted and evidenced; prog is
// a programme index or -1.
func (g *generator) link(out *docOut, a, b int32, typ graph.LinkType, directed bool, prog int) {
	start := date(2010, 1, 1).AddDays(g.rng.IntN(15 * 365))
	d := netfile.DocLink{Key: fmt.Sprintf("link-%07d", g.stats.Links), Type: typ, Source: g.actors[a].key,
		Target: g.actors[b].key, Directed: directed, From: start,
		// Tie strength: 1 plus an exponential tail, to one decimal.
		Weight: float64(10+int(g.rng.ExpFloat64()*10)) / 10,
		Evidence: graph.Evidence{Source: fmt.Sprintf("%s partnership register %d", regions[g.actors[a].region].name, start.Year()),
			Quote: g.actors[a].name + " " + verbs[typ] + " " + g.actors[b].name}}
	if g.rng.IntN(3) == 0 {
		d.To = start.AddDays(90 + g.rng.IntN(5*365))
	}
	if prog >= 0 {
		d.Programme = fmt.Sprintf("prog-%04d", prog)
	}
	if g.rng.IntN(30) == 0 {
		// A declared broker: someone of the region who made the link happen.
		if c := pick(g, g.byRegion[g.actors[a].region]); c != a && c != b {
			d.BrokeredBy = g.actors[c].key
		}
	}
	out.item(d)
	g.stats.Links++
	ra, rb := g.actors[a].region, g.actors[b].region
	g.ends[ra] = append(g.ends[ra], a)
	g.ends[rb] = append(g.ends[rb], b)
}

func date(y, m, d int) graph.Date {
	return graph.DateOf(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC))
}

// docOut writes a netfile.Document one entity a line; the first error sticks.
type docOut struct {
	w       *bufio.Writer
	err     error
	started bool // a list is open
	items   int  // in the open list
}

func (o *docOut) open(section string) {
	if !o.started {
		o.printf("{\"format\":%q,\n", netfile.FormatVersion)
	} else {
		o.printf("\n],\n")
	}
	o.started, o.items = true, 0
	o.printf("%q:[", section)
}

func (o *docOut) item(v any) {
	b, err := json.Marshal(v)
	if err != nil && o.err == nil {
		o.err = err
	}
	if o.items > 0 {
		o.printf(",")
	}
	o.items++
	o.printf("\n%s", b)
}

func (o *docOut) close() { o.printf("\n]}\n") }

func (o *docOut) printf(format string, args ...any) {
	if o.err == nil {
		_, o.err = fmt.Fprintf(o.w, format, args...)
	}
}
