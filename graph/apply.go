package graph

import (
	"context"
	"errors"
	"iter"
)

// Apply upserts a batch by key in one transaction, all or nothing, through
// the store's one write engine, ApplyStream: the batch streams as actors,
// programmes, participations, then links, so a reference may point to an
// entity of the batch or of the store (and an organisation's parent may come
// later). With b.DryRun, everything is checked and counted, then rolled
// back. Returns EINVALID or ECONFLICT naming the first bad item as
// `links[1] "key": …`.
func Apply(ctx context.Context, s Store, b *Batch) (*ApplyResult, error) {
	res, err := s.ApplyStream(ctx, b.Items(), b.DryRun)
	if ie := (*ItemError)(nil); errors.As(err, &ie) {
		return nil, b.itemError(ie)
	}
	return res, err
}

// Items yields b's items in the order Apply applies them.
func (b *Batch) Items() iter.Seq2[Item, error] {
	return func(yield func(Item, error) bool) {
		for i := range b.Len() {
			if !yield(b.item(i), nil) {
				return
			}
		}
	}
}

// item returns the i-th item of b in Items order.
func (b *Batch) item(i int) Item {
	switch {
	case i < len(b.Actors):
		return Item{Actor: b.Actors[i]}
	case i < len(b.Actors)+len(b.Programmes):
		return Item{Programme: b.Programmes[i-len(b.Actors)]}
	case i < len(b.Actors)+len(b.Programmes)+len(b.Participations):
		return Item{Participation: b.Participations[i-len(b.Actors)-len(b.Programmes)]}
	}
	return Item{Link: b.Links[i-len(b.Actors)-len(b.Programmes)-len(b.Participations)]}
}

// itemError names the batch item ie is about by its list, position and key,
// keeping the code and field of a domain error; other errors pass as they are.
func (b *Batch) itemError(ie *ItemError) error {
	code := ErrorCode(ie.Err)
	if code == EINTERNAL || ie.Index < 0 || ie.Index >= b.Len() {
		return ie.Err
	}
	list, i, what := "actors", ie.Index, ""
	switch it := b.item(ie.Index); {
	case it.Actor != nil:
		what = it.Actor.Key
	case it.Programme != nil:
		list, i, what = "programmes", i-len(b.Actors), it.Programme.Key
	case it.Participation != nil:
		list, i = "participations", i-len(b.Actors)-len(b.Programmes)
		what = KeyOf(it.Participation.ActorID) + " in " + KeyOf(it.Participation.ProgrammeID)
	default:
		list, i, what = "links", i-len(b.Actors)-len(b.Programmes)-len(b.Participations), it.Link.Key
	}
	return Errorf(code, ErrorField(ie.Err), "%s[%d] %q: %s", list, i, what, ErrorMessage(ie.Err))
}
