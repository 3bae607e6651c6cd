package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
)

// TestGraphQLOverHTTP checks the status codes and media types the GraphQL
// over HTTP draft asks for (graphql-http's audit suite checks them all in
// scripts/test-graphql-http): unreadable requests are 400; parse and
// validation failures 200 to application/json clients and 400 to
// application/graphql-response+json ones, without a data entry.
func TestGraphQLOverHTTP(t *testing.T) {
	ts := newServer(t, openStore(t))
	const gqlResp = "application/graphql-response+json"
	for _, tc := range []struct {
		name, body, accept string
		status             int
		media, code        string
		data               bool
	}{
		{"OK", `{"query":"{ __typename }"}`, "", 200, "application/json", "", true},
		{"OKGraphQLResponse", `{"query":"{ __typename }"}`, gqlResp, 200, gqlResp, "", true},
		{"ErrNotJSON", `{ "not a JSON`, "", 400, "application/json", graph.EINVALID, false},
		{"ErrQueryNotString", `{"query":1}`, gqlResp, 400, gqlResp, graph.EINVALID, false},
		{"ErrVariablesNotObject", `{"query":"{ __typename }","variables":"x"}`, "", 400, "application/json", graph.EINVALID, false},
		{"ErrNoQuery", `{"qeury":"{ __typename }"}`, "", 400, "application/json", graph.EINVALID, false},
		{"ErrTwoValues", `{"query":"{ __typename }"} {}`, "", 400, "application/json", graph.EINVALID, false},
		{"ErrParse", `{"query":"{"}`, "application/json", 200, "application/json", "GRAPHQL_PARSE_FAILED", false},
		{"ErrParseGraphQLResponse", `{"query":"{"}`, gqlResp, 400, gqlResp, "GRAPHQL_PARSE_FAILED", false},
		{"ErrValidationGraphQLResponse", `{"query":"{ nope }"}`, "*/*;q=0.5, " + gqlResp, 400, gqlResp, "GRAPHQL_VALIDATION_FAILED", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			if tc.accept != "" {
				req.Header.Set("Accept", tc.accept)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			raw, _ := io.ReadAll(res.Body)
			var body map[string]json.RawMessage
			if err := json.Unmarshal(raw, &body); err != nil {
				t.Fatalf("decode %q: %v", raw, err)
			}
			var errs []struct {
				Extensions map[string]any `json:"extensions"`
			}
			json.Unmarshal(body["errors"], &errs)
			code := ""
			if len(errs) > 0 {
				code, _ = errs[0].Extensions["code"].(string)
			}
			_, data := body["data"]
			media := strings.TrimSuffix(res.Header.Get("Content-Type"), "; charset=utf-8")
			if res.StatusCode != tc.status || media != tc.media || code != tc.code || data != tc.data {
				t.Errorf("status %d, %s, code %q, data entry %v: %s; want %d, %s, %q, %v",
					res.StatusCode, media, code, data, bytes.TrimSpace(raw), tc.status, tc.media, tc.code, tc.data)
			}
		})
	}
}
