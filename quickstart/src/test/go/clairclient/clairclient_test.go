// Package clairclient talks to a running Drydock the way Clair's services talk to Clair's indexer: the requests
// Clair's HTTP client sends (quay/clair httptransport/client/indexer.go at eb22407da3d3ee32534ed956be3696080754288d:
// methods, paths, bodies, headers), signed as Clair's signer signs them (internal/httputil/signer.go, same commit),
// every answer decoded into claircore's own types (github.com/quay/claircore v1.5.52, the version Clair's go.mod pins).
//
// It calls State, Index, IndexReport, AffectedManifests and DeleteManifests, decodes every answer refusing unknown
// fields, and reads the report as Clair's matcher does (IndexRecords, each record's Package.Source).
//
// quickstart's ClairGoClientEndToEndTest starts the stack, imports a manifest and runs this with:
//
//	DRYDOCK_URL        the API's base URL
//	DRYDOCK_CLAIR_PSK  the pre-shared key, base64 (Clair's auth.psk.key)
//	DRYDOCK_MANIFEST   the digest of an image manifest Drydock holds
//	DRYDOCK_LAYERS     its layers' digests, comma-separated
package clairclient

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v3"
	"github.com/go-jose/go-jose/v3/jwt"
	"github.com/quay/claircore"
)

// The paths of quay/clair httptransport/server.go (IndexAPIPath, IndexReportAPIPath, IndexStateAPIPath,
// AffectedManifestAPIPath).
const (
	indexAPIPath       = "/indexer/api/v1/index_report"
	indexReportAPIPath = "/indexer/api/v1/index_report/"
	indexStateAPIPath  = "/indexer/api/v1/index_state"
	affectedAPIPath    = "/indexer/api/v1/internal/affected_manifest/"
)

// client holds what Clair's client.HTTP holds for these calls: the address and a signer.
type client struct {
	addr   *url.URL
	signer jose.Signer
	http   *http.Client
}

func newClient(t *testing.T) *client {
	t.Helper()
	addr, err := url.Parse(env(t, "DRYDOCK_URL"))
	if err != nil {
		t.Fatalf("DRYDOCK_URL: %v", err)
	}
	// Clair's config.Base64.UnmarshalText: standard encoding.
	key, err := base64.StdEncoding.DecodeString(env(t, "DRYDOCK_CLAIR_PSK"))
	if err != nil {
		t.Fatalf("DRYDOCK_CLAIR_PSK: %v", err)
	}
	// NewSigner in internal/httputil/signer.go.
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: key}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{addr: addr, signer: signer, http: &http.Client{Timeout: 90 * time.Second}}
}

// sign adds the token Clair's signer adds (internal/httputil/signer.go, Signer.Sign): the claim Clair's services use
// (initialize/services.go: the issuer clair-intraservice) with iat now, nbf and exp jwt.DefaultLeeway either side.
func (c *client) sign(req *http.Request) error {
	now := time.Now()
	token, err := jwt.Signed(c.signer).Claims(jwt.Claims{
		Issuer:    "clair-intraservice",
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now.Add(-jwt.DefaultLeeway)),
		Expiry:    jwt.NewNumericDate(now.Add(jwt.DefaultLeeway)),
	}).CompactSerialize()
	if err != nil {
		return err
	}
	req.Header.Add("Authorization", "Bearer "+token)
	return nil
}

// do builds, signs and sends a request as each method of httptransport/client/indexer.go does.
func (c *client) do(ctx context.Context, method, p string, body any, header http.Header) (*http.Response, error) {
	u, err := c.addr.Parse(p)
	if err != nil {
		return nil, fmt.Errorf("failed to create request: %v", err)
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("failed to create request: %v", err)
	}
	if err := c.sign(req); err != nil {
		return nil, fmt.Errorf("failed to create request: %v", err)
	}
	if body != nil {
		req.Header.Set("content-type", `application/json`)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	return c.http.Do(req)
}

func TestClairIndexerClient(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	digest, err := claircore.ParseDigest(env(t, "DRYDOCK_MANIFEST"))
	if err != nil {
		t.Fatalf("DRYDOCK_MANIFEST: %v", err)
	}
	var layers []*claircore.Layer
	for _, l := range strings.Split(env(t, "DRYDOCK_LAYERS"), ",") {
		d, err := claircore.ParseDigest(l)
		if err != nil {
			t.Fatalf("DRYDOCK_LAYERS: %v", err)
		}
		// Drydock never fetches a layer's uri: this one would refuse the connection.
		layers = append(layers, &claircore.Layer{Hash: d, URI: "http://127.0.0.1:1/never-fetched", Headers: map[string][]string{}})
	}

	var state string
	var records []*claircore.IndexRecord
	t.Run("State", func(t *testing.T) {
		resp, err := c.do(ctx, http.MethodGet, indexStateAPIPath, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		var s struct {
			State string `json:"state"`
		}
		decodeStrictly(t, resp, http.StatusOK, "application/vnd.clair.index_state.v1+json", &s)
		state = s.State
		if state == "" {
			t.Fatal("empty index state")
		}
		if got, want := resp.Header.Get("etag"), `"`+state+`"`; got != want {
			t.Errorf("etag: got %q, want %q", got, want)
		}
		c.expectStatus(t, http.MethodGet, indexStateAPIPath, notModifiedSince(state), http.StatusNotModified)
	})

	t.Run("Index", func(t *testing.T) {
		resp, err := c.do(ctx, http.MethodPost, indexAPIPath, &claircore.Manifest{Hash: digest, Layers: layers}, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Clair's client wants 200 here, Clair's server answers 201 (httptransport/indexer_v1.go, indexReport):
		// Drydock follows the server.
		var ir claircore.IndexReport
		decodeStrictly(t, resp, http.StatusCreated, "application/json", &ir)
		if ir.Hash.String() != digest.String() || ir.State != "IndexFinished" || !ir.Success {
			t.Fatalf("report of %v: state %q, success %v, err %q", ir.Hash, ir.State, ir.Success, ir.Err)
		}
		wantLocation := path.Join(indexAPIPath, digest.String())
		if got := resp.Header.Get("location"); got != wantLocation {
			t.Errorf("location: got %q, want %q", got, wantLocation)
		}
		if got, want := resp.Header.Get("etag"), `"`+state+`"`; got != want {
			t.Errorf("etag: got %q, want %q", got, want)
		}
		wantLink := fmt.Sprintf(`<%s>; rel="https://projectquay.io/clair/v1/index_report"`, wantLocation)
		if got := resp.Header.Values("link"); len(got) != 1 || got[0] != wantLink {
			t.Errorf("link: got %q, want [%q]", got, wantLink)
		}
	})

	t.Run("IndexReport", func(t *testing.T) {
		resp, err := c.do(ctx, http.MethodGet, path.Join(indexReportAPIPath, digest.String()), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		var ir claircore.IndexReport
		decodeStrictly(t, resp, http.StatusOK, "application/vnd.clair.index_report.v1+json", &ir)
		records = ir.IndexRecords()
		if len(records) == 0 {
			t.Fatalf("no index records in the report of %v (%d packages)", digest, len(ir.Packages))
		}
		for _, r := range records {
			if r.Distribution == nil {
				t.Errorf("package %s %s: no distribution", r.Package.Name, r.Package.Version)
			}
		}
		for _, r := range records {
			// As the matcher's query does (claircore datastore/postgres/querybuilder.go, buildGetQuery), which reads
			// record.Package.Source.Name without a nil check.
			if r.Package.Source == nil {
				t.Fatalf("package %s %s has no source package", r.Package.Name, r.Package.Version)
			}
			if r.Package.Source.Name == "" {
				t.Errorf("package %s %s: source package without a name", r.Package.Name, r.Package.Version)
			}
		}
		c.expectStatus(t, http.MethodGet, path.Join(indexReportAPIPath, digest.String()), notModifiedSince(state),
			http.StatusNotModified)
	})

	t.Run("AffectedManifests", func(t *testing.T) {
		if len(records) == 0 {
			t.Fatal("no index records to ask about")
		}
		held := records[0]
		// A vulnerability of a package the image holds, in its distribution, fixed in no version (every version is
		// affected), and one of a package no image holds.
		vulnerabilities := []*claircore.Vulnerability{
			{
				ID: "drydock-go-held", Name: "DRYDOCK-GO-1", NormalizedSeverity: claircore.High,
				Package: &claircore.Package{Name: held.Package.Name, Kind: held.Package.Kind},
				Dist:    &claircore.Distribution{DID: held.Distribution.DID, VersionID: held.Distribution.VersionID},
			},
			{
				ID: "drydock-go-absent", Name: "DRYDOCK-GO-2", NormalizedSeverity: claircore.Low,
				Package: &claircore.Package{Name: "no-image-holds-this-package"},
			},
		}
		// AffectedManifests of httptransport/client/indexer.go: the body is {"vulnerabilities": [...]}.
		body := struct {
			V []*claircore.Vulnerability `json:"vulnerabilities"`
		}{vulnerabilities}
		resp, err := c.do(ctx, http.MethodPost, affectedAPIPath, body, nil)
		if err != nil {
			t.Fatal(err)
		}
		var affected claircore.AffectedManifests
		decodeStrictly(t, resp, http.StatusOK, "application/vnd.clair.affected_manifests.v1+json", &affected)
		for _, v := range vulnerabilities {
			if _, ok := affected.Vulnerabilities[v.ID]; !ok {
				t.Errorf("vulnerability %s asked about is not in the answer", v.ID)
			}
		}
		if got := affected.VulnerableManifests[digest.String()]; len(got) != 1 || got[0] != "drydock-go-held" {
			t.Errorf("vulnerabilities of %v: got %v, want [drydock-go-held] (package %s %s in %s %s)", digest, got,
				held.Package.Name, held.Package.Kind, held.Distribution.DID, held.Distribution.VersionID)
		}
	})

	t.Run("DeleteManifests", func(t *testing.T) {
		// DeleteManifests always uses the bulk endpoint.
		resp, err := c.do(ctx, http.MethodDelete, indexAPIPath, []claircore.Digest{digest}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var deleted []claircore.Digest
		decodeStrictly(t, resp, http.StatusOK, "application/json", &deleted)
		if len(deleted) != 1 || deleted[0].String() != digest.String() {
			t.Errorf("deleted: got %v, want [%v]", deleted, digest)
		}
		// Clair's client: 404 is "no report", not an error.
		c.expectStatus(t, http.MethodGet, path.Join(indexReportAPIPath, digest.String()), nil, http.StatusNotFound)
		// Clair's server also deletes one manifest at its own path (indexReportOne): 204.
		c.expectStatus(t, http.MethodDelete, path.Join(indexReportAPIPath, digest.String()), nil, http.StatusNoContent)
	})
}

// expectStatus sends a request without a body and checks the answer's status only.
func (c *client) expectStatus(t *testing.T, method, p string, header http.Header, want int) {
	t.Helper()
	resp, err := c.do(context.Background(), method, p, nil, header)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != want {
		t.Errorf("%s %s %v: got %s, want %d", method, p, header, resp.Status, want)
	}
}

// notModifiedSince is the If-None-Match of a caller holding the answer of this state: Clair's validator of reports
// and of the state.
func notModifiedSince(state string) http.Header {
	return http.Header{"If-None-Match": {`"` + state + `"`}}
}

// decodeStrictly checks the status and Content-Type, then decodes the one JSON value of the body refusing any field
// claircore's type does not have.
func decodeStrictly(t *testing.T, resp *http.Response, status int, contentType string, v any) {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != status {
		t.Fatalf("%s %s: got %s, want %d: %s", resp.Request.Method, resp.Request.URL.Path, resp.Status, status, body)
	}
	if got := resp.Header.Get("content-type"); got != contentType {
		t.Errorf("%s %s: content-type %q, want %q", resp.Request.Method, resp.Request.URL.Path, got, contentType)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s %s: %v: %s", resp.Request.Method, resp.Request.URL.Path, err, body)
	}
	if dec.More() {
		t.Fatalf("%s %s: more than one JSON value: %s", resp.Request.Method, resp.Request.URL.Path, body)
	}
}

func env(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Skipf("%s is not set: quickstart's ClairGoClientEndToEndTest runs this against a running Drydock", name)
	}
	return v
}
