package server

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/insight"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Media types of GraphQL answers (GraphQL over HTTP, "Serialization Format").
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// httpTransport serves GET and JSON POST requests as the GraphQL over HTTP
// draft asks (https://graphql.github.io/graphql-over-http/draft/), which
// gqlgen's own GET and POST transports do not quite: they answer parse and
// validation failures with 422 to application/json clients (the spec says
// 200), a missing query with 422 (400), and always include a "data" entry
// (none when execution never started). graphql-http's audit suite checks
// every rule (scripts/graphql-http-audit). GET queries also get an ETag
// (etag.go).
//
// Status codes: 400 for a request that cannot be read (bad JSON, parameters
// of the wrong type, no query); for a document that fails to parse or
// validate, 400 to clients accepting application/graphql-response+json and
// 200 to application/json ones (requestErrorStatus); 405 for a mutation
// sent with GET, 400 for a subscription (they need a WebSocket, live.go).
type httpTransport struct {
	etags *etagger
}

var _ graphql.Transport = httpTransport{}

func (httpTransport) Supports(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" {
		return false
	}
	if r.Method == http.MethodGet {
		return true
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return r.Method == http.MethodPost && err == nil && mt == mediaJSON
}

// rawRequest is a POST body's parameters: each may be absent or null, and
// any other type than these makes the request unreadable.
type rawRequest struct {
	Query         *string        `json:"query"`
	OperationName *string        `json:"operationName"`
	Variables     map[string]any `json:"variables"`
	Extensions    map[string]any `json:"extensions"`
}

func (t httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	media := negotiate(r.Header.Get("Accept"))
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	params, err := readParams(r)
	if err != nil {
		writeResponse(w, http.StatusBadRequest, exec.DispatchError(ctx, gqlerror.List{invalidRequest(err.Error())}))
		return
	}
	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		writeResponse(w, requestErrorStatus(media, errs), exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs))
		return
	}
	if r.Method == http.MethodGet && opCtx.Operation.Operation != ast.Query {
		w.Header().Set("Allow", http.MethodPost)
		writeResponse(w, http.StatusMethodNotAllowed, exec.DispatchError(ctx, gqlerror.List{invalidRequest(
			"only queries may be sent with GET: send mutations with POST")}))
		return
	}
	if opCtx.Operation.Operation == ast.Subscription {
		// Over HTTP it would hold the request until a first event.
		writeResponse(w, http.StatusBadRequest, exec.DispatchError(ctx, gqlerror.List{invalidRequest(
			"subscriptions need a WebSocket: connect to this URL with the graphql-transport-ws subprotocol")}))
		return
	}
	var tag string
	if r.Method == http.MethodGet {
		if tag = t.etags.tag(ctx, opCtx, media); tag != "" && t.etags.notModified(w, r, tag) {
			if info := requestInfoFrom(ctx); info != nil {
				info.operation = opCtx.OperationName // the access log's, as for operations that run
			}
			return
		}
	}
	ctx, stale := insight.WithStaleMark(ctx)
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	resp := responses(ctx)
	if tag != "" && len(resp.Errors) == 0 && !stale.Load() { // a stale answer is not the version's
		t.etags.set(w, tag)
	}
	writeResponse(w, http.StatusOK, resp)
}

// readParams reads a GET request's URL parameters or a POST request's JSON
// body into gqlgen's parameters, refusing parameters of the wrong type.
func readParams(r *http.Request) (*graphql.RawParams, error) {
	p := &graphql.RawParams{Headers: r.Header, ReadTime: graphql.TraceTiming{Start: graphql.Now()}}
	var raw rawRequest
	if r.Method == http.MethodGet {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return nil, errors.New("the URL's query string could not be read")
		}
		raw.Query, raw.OperationName = optional(q, "query"), optional(q, "operationName")
		for name, into := range map[string]*map[string]any{"variables": &raw.Variables, "extensions": &raw.Extensions} {
			if s := q.Get(name); s != "" {
				if err := decodeJSON(strings.NewReader(s), into); err != nil {
					return nil, errors.New("the " + name + " parameter is not a JSON object")
				}
			}
		}
	} else if err := decodeJSON(r.Body, &raw); err != nil {
		return nil, errors.New("the request body is not a valid GraphQL request in JSON: " +
			"an object with a string query and optional operationName, variables and extensions")
	}
	if raw.Query != nil {
		p.Query = *raw.Query
	}
	if raw.OperationName != nil {
		p.OperationName = *raw.OperationName
	}
	p.Variables, p.Extensions = raw.Variables, raw.Extensions
	if p.Query == "" && p.Extensions["persistedQuery"] == nil {
		return nil, errors.New("the request has no query: send one in the query parameter")
	}
	p.ReadTime.End = graphql.Now()
	return p, nil
}

func optional(q url.Values, name string) *string {
	if !q.Has(name) {
		return nil
	}
	v := q.Get(name)
	return &v
}

// decodeJSON decodes exactly one JSON value from r into v, numbers kept as
// json.Number as gqlgen expects.
func decodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("more than one JSON value")
	}
	return nil
}

func invalidRequest(msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": graph.EINVALID}}
}

// requestErrorStatus is the status of a request refused before execution.
// Protocol errors (parse and validation failures, QUERY_TOO_LARGE) are 400
// to application/graphql-response+json clients. To application/json clients
// parse and validation failures are 200, as the spec asks for clients that
// read no status; other protocol refusals keep gqlgen's 422, and the rest
// (COMPLEXITY_LIMIT_EXCEEDED, PERSISTED_QUERY_NOT_FOUND…) are 200 to both.
func requestErrorStatus(media string, errs gqlerror.List) int {
	switch {
	case errcode.GetErrorKind(errs) != errcode.KindProtocol:
		return http.StatusOK
	case media == mediaGraphQLResponse:
		return http.StatusBadRequest
	}
	for _, err := range errs {
		code, _ := err.Extensions["code"].(string)
		if code != errcode.ParseFailed && code != errcode.ValidationFailed && errcode.GetErrorKind(gqlerror.List{err}) == errcode.KindProtocol {
			return http.StatusUnprocessableEntity
		}
	}
	return http.StatusOK
}

// negotiate picks the answer's media type from an Accept header: of
// application/graphql-response+json, application/json and the wildcards
// (which mean application/json), the one with the highest q, the first
// listed among equals; application/json when the header is missing or
// names neither (the spec's advice for legacy clients).
func negotiate(accept string) string {
	best, bestQ := mediaJSON, 0.0
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(v, 64); err != nil {
				continue
			}
		}
		media := ""
		switch mt {
		case mediaGraphQLResponse:
			media = mediaGraphQLResponse
		case mediaJSON, "application/*", "*/*":
			media = mediaJSON
		}
		if media != "" && q > bestQ {
			best, bestQ = media, q
		}
	}
	return best
}

// wireResponse is graphql.Response with no "data" entry when there is no
// data: a request refused before execution has none, and the spec asks that
// its answer then not contain one.
type wireResponse struct {
	Errors     gqlerror.List   `json:"errors,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
	Label      string          `json:"label,omitempty"`
	Path       ast.Path        `json:"path,omitempty"`
	HasNext    *bool           `json:"hasNext,omitempty"`
	Extensions map[string]any  `json:"extensions,omitempty"`
}

func writeResponse(w http.ResponseWriter, status int, resp *graphql.Response) {
	b, err := json.Marshal(wireResponse(*resp))
	if err != nil {
		// Only a value gqlgen put in an extension could fail to encode.
		status = http.StatusInternalServerError
		b, _ = json.Marshal(wireResponse{Errors: gqlerror.List{{Message: "internal error", Extensions: map[string]any{"code": graph.EINTERNAL}}}})
	}
	w.WriteHeader(status)
	w.Write(b)
}
