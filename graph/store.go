package graph

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"unicode"
)

// Store keeps a partnership network. Every backend implements it and passes
// the contract suite in graph/storetest. Methods are safe for concurrent use.
//
// Batch reads take many IDs and return results in the caller's order, with nil
// where an ID is unknown, so one dataloader batch is one store call.
// Writes are atomic: a write that fails changes nothing.
type Store interface {
	// Version returns a counter that grows with every committed write, so
	// caches (analytics snapshots) know when to rebuild.
	Version(ctx context.Context) (int64, error)

	// Changes returns the changes committed after version since, in commit
	// order and by whole writes: it stops after the write that reaches limit
	// changes (so it returns at least one write, however large), and returns
	// the version its changes bring a reader to — the store's version when
	// they are all there. If the log no longer holds every change after
	// since (pruned, older than the log, or since is ahead of the store) it
	// returns ResetSince(store version): the caller rescans. Returns
	// EINVALID unless 0 < limit ≤ MaxChangesLimit.
	Changes(ctx context.Context, since int64, limit int) (changes []Change, version int64, err error)

	// ActorsByID returns the actors with the given IDs, nil where unknown.
	ActorsByID(ctx context.Context, ids []string) ([]*Actor, error)
	// FindActors returns a page of actors matching f, in p's order (by
	// name then ID by default), either way (see PageArgs.Keyset). Returns
	// EINVALID for a bad search, where, order, page size or cursor.
	FindActors(ctx context.Context, f ActorFilter, p PageArgs) (*Page[*Actor], error)
	// UnitPages returns, for each organisation ID, page p of its units (the
	// organisations whose parent it is) as FindActors with that ParentID
	// pages them — one call for many IDs, reading at most p's size + 1
	// units per ID. Returns EINVALID for a bad page size or cursor.
	UnitPages(ctx context.Context, parentIDs []string, p PageArgs) ([]*Page[*Actor], error)
	// CreateActor stores a new actor. Returns EINVALID for a bad actor,
	// ENOTFOUND for a missing parent and ECONFLICT if its key is taken.
	CreateActor(ctx context.Context, a *Actor) (*Actor, error)
	// UpdateActor applies u to the actor with u.ID. Returns ENOTFOUND,
	// EINVALID, or ECONFLICT (a *StaleError) if u.ExpectedRevision is set
	// and the actor no longer has it.
	UpdateActor(ctx context.Context, u ActorUpdate) (*Actor, error)
	// DeleteActor removes an actor with its links and participations, clears
	// it as broker of other links and as parent of organisations. With a
	// revision ("" for none), only if the actor still has it.
	// Returns ENOTFOUND, or ECONFLICT (a *StaleError).
	DeleteActor(ctx context.Context, id, revision string) error
	// MergeActors folds actor m.MergedID into m.SurvivorID in one
	// transaction, as PlanMerge decides and logs, and returns the survivor.
	// Returns PlanMerge's errors, or EINVALID if the survivor would get a
	// parent that makes a cycle.
	MergeActors(ctx context.Context, m Merge) (*Actor, error)

	// ProgrammesByID returns the programmes with the given IDs, nil where unknown.
	ProgrammesByID(ctx context.Context, ids []string) ([]*Programme, error)
	// FindProgrammes returns a page of programmes as FindActors does.
	FindProgrammes(ctx context.Context, f ProgrammeFilter, p PageArgs) (*Page[*Programme], error)
	// CreateProgramme returns EINVALID or ECONFLICT.
	CreateProgramme(ctx context.Context, p *Programme) (*Programme, error)
	// UpdateProgramme returns ENOTFOUND, EINVALID or ECONFLICT (a
	// *StaleError) as UpdateActor does.
	UpdateProgramme(ctx context.Context, u ProgrammeUpdate) (*Programme, error)
	// DeleteProgramme removes a programme and its participations and detaches
	// its links (they stay, without a programme). With a revision, as
	// DeleteActor. Returns ENOTFOUND or ECONFLICT (a *StaleError).
	DeleteProgramme(ctx context.Context, id, revision string) error

	// LinksByID returns the links with the given IDs, nil where unknown.
	LinksByID(ctx context.Context, ids []string) ([]*Link, error)
	// FindLinks returns a page of links matching f as FindActors does (by
	// key by default).
	FindLinks(ctx context.Context, f LinkFilter, p PageArgs) (*Page[*Link], error)
	// LinksOfActors returns, for each actor ID, the links it is an end of
	// (subject to f), ordered by key.
	LinksOfActors(ctx context.Context, actorIDs []string, f LinkFilter) ([][]*Link, error)
	// LinkPages returns, for each ID, page p of the links owner says it has
	// (subject to f), ordered by key, with their total count — one call for
	// many IDs, reading at most p's size + 1 links per ID, so a loader batch
	// of pages is one store call and no owner's links are read whole.
	// Pages are those FindLinks gives, cursors included. Returns EINVALID
	// for a bad page size, cursor or owner.
	LinkPages(ctx context.Context, owner LinkOwner, ids []string, f LinkFilter, p PageArgs) ([]*Page[*Link], error)
	// CreateLink returns EINVALID (bad input), ENOTFOUND (an end, programme
	// or broker that does not exist) or ECONFLICT if its key is taken.
	CreateLink(ctx context.Context, l *Link) (*Link, error)
	// UpdateLink returns ENOTFOUND, EINVALID or ECONFLICT (a *StaleError)
	// as UpdateActor does.
	UpdateLink(ctx context.Context, u LinkUpdate) (*Link, error)
	// DeleteLink, with a revision as DeleteActor, returns ENOTFOUND or
	// ECONFLICT (a *StaleError).
	DeleteLink(ctx context.Context, id, revision string) error

	// AggregateActors counts the actors f selects per group of the by
	// fields' values, groups ordered by those values (SortGroups). Returns
	// EINVALID for a bad field list, a bad search or too many groups.
	AggregateActors(ctx context.Context, f ActorFilter, by []ActorField) ([]Group, error)
	// AggregateLinks counts the links f selects per group, with their
	// weights and dates (see Group), ordered as AggregateActors. Returns
	// EINVALID as AggregateActors does.
	AggregateLinks(ctx context.Context, f LinkFilter, by []LinkField) ([]Group, error)

	// SetParticipation adds or updates an actor's role in a programme.
	// Returns ENOTFOUND if either does not exist.
	SetParticipation(ctx context.Context, p *Participation) (*Participation, error)
	// RemoveParticipation returns ENOTFOUND if the actor takes no part.
	RemoveParticipation(ctx context.Context, actorID, programmeID string) error
	// ParticipationsOf returns, for each ID (an actor's or a programme's), the
	// participations it is part of, ordered by actor then programme ID.
	ParticipationsOf(ctx context.Context, ids []string) ([][]*Participation, error)

	// ApplyStream upserts items by key in one transaction, all or nothing,
	// reading them as it goes: a stream of any length needs no more memory
	// than a few thousand items. It is the store's one write engine for
	// bulk upserts; Apply runs a Batch through it. Items apply in order, so a
	// reference (a link's ends, broker and programme; a participation's
	// actor and programme) must name an entity earlier in the stream or in
	// the store; an organisation's parent may also come later. An item with
	// IfMissing set only creates: an existing entity is left as it is.
	// items may be ranged over more than once (a backend may retry the
	// transaction) and must yield the same items each time; an error it
	// yields stops the stream and is returned as it is. With dryRun,
	// everything is checked and counted, then rolled back. A store error
	// about one item is an *ItemError giving its position (EINVALID,
	// ENOTFOUND for a reference to nothing, ECONFLICT inside). The version moves only if something changed.
	ApplyStream(ctx context.Context, items iter.Seq2[Item, error], dryRun bool) (*ApplyResult, error)
	// Scan streams the whole network, actors first, then programmes,
	// participations and links, from one consistent read. It stops at the
	// first error fn returns.
	Scan(ctx context.Context, fn func(Item) error) (version int64, err error)

	Close() error
}

// FuzzyScanner is a Store that can read the whole network without blocking
// writers when its consistent Scan would (Neo4j's holds the write lock: its
// transactions are read committed). A store whose Scan is a snapshot read
// that writers never wait for (SQLite's WAL) does not implement it.
type FuzzyScanner interface {
	// FuzzyScan streams the whole network in many short read transactions
	// that hold no lock, delivering items as Scan does: actors, programmes,
	// participations and links, kind by kind (in no promised order within
	// a kind). since is the version read before the first item, until one
	// read after the last, so no item is newer. fn is called between the
	// reads, never inside a transaction, so a write it makes does not wait
	// for the scan.
	//
	// The result is fuzzy: an entity that no write logged in (since, until]
	// touched comes once, exactly as it is at both; one such a write touched
	// may come in any state it passed through, or not at all, so references
	// may dangle (a link whose source was deleted, or created after the
	// actors were read). Each entity comes at most once. The caller makes
	// the result exact by applying the changes Store.Changes returns after
	// since, at least up to until, as final states by key (a delete removes,
	// a create or update sets); where the log cannot say (a reset, pruned
	// entries) it must fall back to Scan.
	FuzzyScan(ctx context.Context, fn func(Item) error) (since, until int64, err error)
}

// Item is one element of a Scan or a stream: exactly one of Actor,
// Programme, Participation and Link is set.
type Item struct {
	Actor         *Actor
	Programme     *Programme
	Participation *Participation
	Link          *Link
	// IfMissing makes an ApplyStream item create only: if an entity with
	// its key (for a participation, its actor and programme) exists, it is
	// left as it is and counted unchanged. An edge list names its nodes
	// and nothing else about them; importing one must not blank out what
	// the store knows of those actors.
	IfMissing bool
}

// ItemError is an error about the item at Index (0-based) of an
// ApplyStream. Err is a domain error (or the backend's own).
type ItemError struct {
	Index int
	Err   error
}

func (e *ItemError) Error() string { return fmt.Sprintf("item %d: %v", e.Index, e.Err) }
func (e *ItemError) Unwrap() error { return e.Err }

// Batch is a set of upserts that Apply applies atomically.
type Batch struct {
	Actors         []*Actor
	Programmes     []*Programme
	Participations []*Participation
	Links          []*Link
	// DryRun checks and counts as ApplyStream's dryRun does, then rolls
	// back: nothing changes and the version stays.
	DryRun bool
}

// Len returns the number of items in b.
func (b *Batch) Len() int {
	return len(b.Actors) + len(b.Programmes) + len(b.Participations) + len(b.Links)
}

// ApplyResult counts what Apply or ApplyStream changed.
type ApplyResult struct {
	Created, Updated, Unchanged int
}

// ActorFilter selects actors; zero fields match everything.
type ActorFilter struct {
	Keys     []string // actors with these keys
	Search   string   // words matched against names (prefix match per word)
	Kinds    []Kind   // KindPerson, KindOrganisation
	OrgTypes []OrgType
	Sector   string
	Region   string
	ParentID string
	// Where is a condition of any shape (see graph.Where) that FindActors
	// and AggregateActors push down to the store.
	Where *Where
}

// A search matches each of its words, so its cost grows with them: bounded,
// as a page is (long searches took 15 s, and a thousand words overflowed
// SQLite's expression tree).
const (
	MaxSearchBytes = 256
	MaxSearchWords = 12
)

// CheckSearch returns EINVALID on field "search" if s is longer or has
// more words than the limits; stores call it before searching.
func CheckSearch(s string) error {
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(s) > MaxSearchBytes || len(words) > MaxSearchWords {
		return Errorf(EINVALID, "search", "a search may have at most %d words and %d bytes: shorten it", MaxSearchWords, MaxSearchBytes)
	}
	return nil
}

// ProgrammeFilter selects programmes.
type ProgrammeFilter struct {
	Keys   []string
	Search string
	Tag    string
	Where  *Where // as ActorFilter's, for FindProgrammes
}

// LinkFilter selects links; zero fields match everything.
type LinkFilter struct {
	Types        []LinkType
	ProgrammeID  string
	BrokeredByID string
	Active       Interval // links whose interval overlaps this window
	// Where is as ActorFilter's, for FindLinks and AggregateLinks; Matches
	// does not apply it.
	Where *Where
}

// LinkOwner says whose links LinkPages pages.
type LinkOwner string

const (
	OwnerActor     LinkOwner = "actor"     // the links the actor is an end of
	OwnerBroker    LinkOwner = "broker"    // the links the actor brokered
	OwnerProgramme LinkOwner = "programme" // the links inside the programme
)

// Check returns EINVALID unless o is one of the owners.
func (o LinkOwner) Check() error {
	switch o {
	case OwnerActor, OwnerBroker, OwnerProgramme:
		return nil
	}
	return Errorf(EINVALID, "owner", "unknown link owner %q", o)
}

// ActorUpdate changes the non-nil fields of actor ID. The key and kind are fixed.
type ActorUpdate struct {
	ID string
	// ExpectedRevision, if set, is the revision the editor saw: the update
	// applies only if the entity still has it (see Revision).
	ExpectedRevision string
	Name             *string
	Aliases          *[]string
	Description      *string
	Title            *string
	Roles            *[]string
	Email            *string
	Phone            *string
	OrgType          *OrgType
	Sector           *string
	Region           *string
	ParentID         *string // "" clears the parent
	Evidence         *Evidence
	Attrs            *map[string]string // replaces every attribute
}

// Apply returns a copy of a with u's changes.
func (u ActorUpdate) Apply(a *Actor) *Actor {
	c := *a
	set(&c.Name, u.Name)
	set(&c.Aliases, u.Aliases)
	set(&c.Description, u.Description)
	set(&c.Title, u.Title)
	set(&c.Roles, u.Roles)
	set(&c.Email, u.Email)
	set(&c.Phone, u.Phone)
	set(&c.OrgType, u.OrgType)
	set(&c.Sector, u.Sector)
	set(&c.Region, u.Region)
	set(&c.ParentID, u.ParentID)
	set(&c.Evidence, u.Evidence)
	set(&c.Attrs, u.Attrs)
	return &c
}

// ProgrammeUpdate changes the non-nil fields of programme ID.
type ProgrammeUpdate struct {
	ID string
	// ExpectedRevision, if set, is the revision the editor saw: the update
	// applies only if the entity still has it (see Revision).
	ExpectedRevision string
	Name             *string
	Description      *string
	Aims             *[]string
	Start            *Date // zero Date clears
	End              *Date
	Tags             *[]string
	Evidence         *Evidence
}

// Apply returns a copy of p with u's changes.
func (u ProgrammeUpdate) Apply(p *Programme) *Programme {
	c := *p
	set(&c.Name, u.Name)
	set(&c.Description, u.Description)
	set(&c.Aims, u.Aims)
	set(&c.Start, u.Start)
	set(&c.End, u.End)
	set(&c.Tags, u.Tags)
	set(&c.Evidence, u.Evidence)
	return &c
}

// LinkUpdate changes the non-nil fields of link ID. Its ends and key are fixed.
type LinkUpdate struct {
	ID string
	// ExpectedRevision, if set, is the revision the editor saw: the update
	// applies only if the entity still has it (see Revision).
	ExpectedRevision string
	Type             *LinkType
	Directed         *bool
	Weight           *float64
	From             *Date
	To               *Date
	ProgrammeID      *string
	BrokeredByID     *string
	Evidence         *Evidence
	Attrs            *map[string]string // replaces every attribute
}

// Apply returns a copy of l with u's changes.
func (u LinkUpdate) Apply(l *Link) *Link {
	c := *l
	set(&c.Type, u.Type)
	set(&c.Directed, u.Directed)
	set(&c.Weight, u.Weight)
	set(&c.From, u.From)
	set(&c.To, u.To)
	set(&c.ProgrammeID, u.ProgrammeID)
	set(&c.BrokeredByID, u.BrokeredByID)
	set(&c.Evidence, u.Evidence)
	set(&c.Attrs, u.Attrs)
	return &c
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
