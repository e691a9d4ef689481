package s3

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// fakeStorage is just enough of S3 for a bucket's versioning and expiry rules: the integration tests run
// everything else against a real S3 server (the Docker target's store), which has no lifecycle support.
type fakeStorage struct {
	mu        sync.Mutex
	lifecycle string
	versioned bool
}

func (f *fakeStorage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := r.URL.Query()
	switch {
	case q.Has("lifecycle") && r.Method == http.MethodPut:
		body, _ := io.ReadAll(r.Body)
		f.lifecycle = string(body)
	case q.Has("lifecycle") && r.Method == http.MethodDelete:
		f.lifecycle = ""
		w.WriteHeader(http.StatusNoContent)
	case q.Has("lifecycle") && f.lifecycle == "":
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `<Error><Code>NoSuchLifecycleConfiguration</Code><Message>none</Message></Error>`) //nolint:errcheck
	case q.Has("lifecycle"):
		io.WriteString(w, f.lifecycle) //nolint:errcheck
	case q.Has("versioning") && r.Method == http.MethodPut:
		body, _ := io.ReadAll(r.Body)
		f.versioned = strings.Contains(string(body), "<Status>Enabled</Status>")
	case q.Has("versioning"):
		status := ""
		if f.versioned {
			status = "<Status>Enabled</Status>"
		}
		io.WriteString(w, `<VersioningConfiguration>`+status+`</VersioningConfiguration>`) //nolint:errcheck
	default:
		w.WriteHeader(http.StatusOK)
	}
}

func testBucket(t *testing.T) (*bucket, *fakeStorage) {
	t.Helper()
	storage := &fakeStorage{}
	srv := httptest.NewServer(storage)
	t.Cleanup(srv.Close)
	client, err := newClient(providerModel{
		Endpoint: types.StringValue(srv.URL), Region: types.StringValue("fsn1"),
		AccessKey: types.StringValue("key"), SecretKey: types.StringValue("secret"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return &bucket{client: client}, storage
}

func rule(id, prefix string, days int64) expiryRule {
	return expiryRule{ID: types.StringValue(id), Prefix: types.StringValue(prefix), Days: types.Int64Value(days)}
}

func TestExpiryRulesAreWrittenAndReadBackSortedById(t *testing.T) {
	b, storage := testBucket(t)
	ctx := context.Background()
	plan := bucketModel{Bucket: types.StringValue("dumps"), Versioning: types.BoolValue(true),
		Expiration: []expiryRule{rule("old", "backups/", 30), rule("incomplete", "incomplete/", 1)}}
	if err := b.apply(ctx, "dumps", plan, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<ID>old</ID>", "<Prefix>backups/</Prefix>", "<Days>30</Days>", "<Status>Enabled</Status>"} {
		if !strings.Contains(storage.lifecycle, want) {
			t.Errorf("lifecycle %s lacks %s", storage.lifecycle, want)
		}
	}
	read, err := b.read(ctx, "dumps")
	if err != nil {
		t.Fatal(err)
	}
	if !read.Versioning.ValueBool() || len(read.Expiration) != 2 || read.Expiration[0].ID.ValueString() != "incomplete" || read.Expiration[1].Days.ValueInt64() != 30 {
		t.Fatalf("read %+v", read)
	}
}

func TestRemovingTheRulesRemovesThemFromTheBucket(t *testing.T) {
	b, storage := testBucket(t)
	ctx := context.Background()
	state := bucketModel{Bucket: types.StringValue("dumps"), Versioning: types.BoolValue(false), Expiration: []expiryRule{rule("old", "backups/", 30)}}
	if err := b.apply(ctx, "dumps", state, nil); err != nil {
		t.Fatal(err)
	}
	plan := bucketModel{Bucket: types.StringValue("dumps"), Versioning: types.BoolValue(false)}
	if err := b.apply(ctx, "dumps", plan, &state); err != nil {
		t.Fatal(err)
	}
	read, err := b.read(ctx, "dumps")
	if err != nil {
		t.Fatal(err)
	}
	if storage.lifecycle != "" || read.Expiration != nil {
		t.Fatalf("left %q, read %+v", storage.lifecycle, read.Expiration)
	}
}

func TestAnEndpointWithAPathIsRefused(t *testing.T) {
	for _, endpoint := range []string{"fsn1.your-objectstorage.com", "https://fsn1.your-objectstorage.com/bucket", "ftp://host"} {
		if _, err := newClient(providerModel{Endpoint: types.StringValue(endpoint), Region: types.StringValue("fsn1"), AccessKey: types.StringValue("k"), SecretKey: types.StringValue("s")}); err == nil {
			t.Errorf("%s: expected an error", endpoint)
		}
	}
}
