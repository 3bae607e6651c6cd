package server

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
)

// codeQueryTooLarge refuses a document with more tokens or selections than
// the limits, before gqlgen parses and validates it.
const codeQueryTooLarge = "QUERY_TOO_LARGE"

// A protocol error, as validation errors are: gqlgen answers it with 422,
// or 400 to clients that accept application/graphql-response+json.
func init() { errcode.RegisterErrorType(codeQueryTooLarge, errcode.KindProtocol) }

// documentSize is what one linear pass over a query's text counts.
type documentSize struct {
	tokens     int // every lexical token but comments
	selections int // fields, aliases' fields and fragment spreads in selection sets
	aliases    int
	directives int
}

// sizeLimit refuses documents too large to validate cheaply. gqlparser's
// OverlappingFieldsCanBeMerged rule compares every pair of fields sharing a
// response name, so `{ __typename __typename … }` costs time quadratic in
// its length (8,000 fields took 5.8 s), and validation takes no context, so
// it cannot be stopped at the request's deadline once it runs. Bounding
// tokens and selections first, in linear time, bounds that work instead —
// graphql-js's maxTokens does the same.
type sizeLimit struct{ maxTokens, maxSelections int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = sizeLimit{}

func (sizeLimit) ExtensionName() string                   { return "DocumentSize" }
func (sizeLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters runs before parsing and validation.
func (l sizeLimit) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if ctx.Err() != nil {
		return refusal(graph.ETIMEOUT, "the request took too long and was stopped")
	}
	s := measureDocument(p.Query, l.maxTokens)
	switch {
	case s.tokens > l.maxTokens:
		return refusal(codeQueryTooLarge, "the query has more than %d tokens, the limit: split it into several queries", l.maxTokens)
	case s.selections > l.maxSelections:
		return refusal(codeQueryTooLarge, "the query has %d field selections, more than the limit of %d: split it into several queries", s.selections, l.maxSelections)
	}
	return nil
}

// measureDocument counts q's tokens, stopping after maxTokens+1, and its
// selections. A brace opens a selection set unless it is inside an argument
// list, a list value or an object value. The count is an upper bound for a
// document that does not parse; the parser reports those.
func measureDocument(q string, maxTokens int) documentSize {
	var s documentSize
	lx := lexer.New(&ast.Source{Input: q})
	var stack []bool // open brackets: true for a selection set
	prev, prevName := lexer.EOF, ""
	for s.tokens <= maxTokens {
		tok, err := lx.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			break
		}
		if tok.Kind == lexer.Comment {
			continue
		}
		s.tokens++
		inSelection := len(stack) > 0 && stack[len(stack)-1]
		switch tok.Kind {
		case lexer.BraceL:
			stack = append(stack, len(stack) == 0 || inSelection && prev != lexer.Colon)
		case lexer.ParenL, lexer.BracketL:
			stack = append(stack, false)
		case lexer.BraceR, lexer.ParenR, lexer.BracketR:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case lexer.Name:
			switch {
			case prev == lexer.At:
				s.directives++
			case !inSelection:
			case prev == lexer.Colon:
				s.aliases++ // the field an alias names; the alias was counted
			case prev == lexer.Name && prevName == "on":
				// an inline fragment's type condition
			case prev == lexer.Spread && tok.Value == "on":
			default:
				s.selections++
			}
		}
		prev, prevName = tok.Kind, tok.Value
	}
	return s
}
