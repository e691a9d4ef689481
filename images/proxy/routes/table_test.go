package routes

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// replicaServer answers its health path with the status held in *status.
func replicaServer(t *testing.T, status *atomic.Int32) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(int(status.Load()))
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func healthy(code int32) *atomic.Int32 { s := new(atomic.Int32); s.Store(code); return s }

func newTable(t *testing.T, file string) *Table {
	t.Helper()
	table := NewTable()
	if err := table.Configure(file, Checks{URI: "/healthz", Interval: 20 * time.Millisecond, Timeout: time.Second, Fails: 2}); err != nil {
		t.Fatal(err)
	}
	return table
}

func TestSwitchChecksEveryNewReplicaAndSavesTheTable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "routes.json")
	table := newTable(t, file)
	a, b := replicaServer(t, healthy(200)), replicaServer(t, healthy(200))
	if err := table.Switch(context.Background(), []string{a, b}); err != nil {
		t.Fatal(err)
	}
	if got := table.Upstreams(); !reflect.DeepEqual(got, []string{a, b}) {
		t.Fatalf("upstreams %v", got)
	}
	// A proxy that restarts resumes the saved table.
	if got := newTable(t, file).Upstreams(); !reflect.DeepEqual(got, []string{a, b}) {
		t.Fatalf("resumed %v", got)
	}
}

func TestAReplicaThatNeverPassesLeavesThePreviousOnesServing(t *testing.T) {
	table := newTable(t, filepath.Join(t.TempDir(), "routes.json"))
	old := replicaServer(t, healthy(200))
	if err := table.Switch(context.Background(), []string{old}); err != nil {
		t.Fatal(err)
	}
	broken := replicaServer(t, healthy(503))
	ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
	defer cancel()
	err := table.Switch(ctx, []string{replicaServer(t, healthy(200)), broken})
	if err == nil || !strings.Contains(err.Error(), broken+": GET /healthz answered 503") || !strings.Contains(err.Error(), "the previous replicas keep serving") {
		t.Fatalf("error %v", err)
	}
	if got := table.Upstreams(); !reflect.DeepEqual(got, []string{old}) {
		t.Fatalf("upstreams %v", got)
	}
}

func TestAReplicaThatStopsPassingGetsNoRequestsUntilItPassesAgain(t *testing.T) {
	table := newTable(t, "")
	status := healthy(200)
	sick, well := replicaServer(t, status), replicaServer(t, healthy(200))
	if err := table.Switch(context.Background(), []string{sick, well}); err != nil {
		t.Fatal(err)
	}
	status.Store(500)
	waitFor(t, func() bool { return reflect.DeepEqual(table.Upstreams(), []string{well}) })
	if s := table.Status(); s.Healthy[sick] || !strings.Contains(s.Errors[sick], "answered 500") {
		t.Fatalf("status %+v", s)
	}
	status.Store(200)
	waitFor(t, func() bool { return len(table.Upstreams()) == 2 })
}

func TestWithNoHealthyReplicaRequestsStillGoToAll(t *testing.T) {
	table := newTable(t, "")
	status := healthy(200)
	only := replicaServer(t, status)
	if err := table.Switch(context.Background(), []string{only}); err != nil {
		t.Fatal(err)
	}
	status.Store(503)
	waitFor(t, func() bool { return !table.Status().Healthy[only] })
	if got := table.Upstreams(); !reflect.DeepEqual(got, []string{only}) {
		t.Fatalf("upstreams %v", got)
	}
}

func TestBadInputIsRefused(t *testing.T) {
	table := newTable(t, "")
	for _, addrs := range [][]string{nil, {"no-port"}} {
		if err := table.Switch(context.Background(), addrs); err == nil {
			t.Errorf("%v: expected an error", addrs)
		}
	}
}

func TestTheAdminEndpointSwitchesAndShows(t *testing.T) {
	table := newTable(t, filepath.Join(t.TempDir(), "routes.json"))
	a := replicaServer(t, healthy(200))
	handler := serveAdmin(table)
	put := httptest.NewRequest(http.MethodPut, "/routes?wait=2s", strings.NewReader(`{"upstreams":["`+a+`"]}`))
	rec := httptest.NewRecorder()
	if err := handler(rec, put); err != nil {
		t.Fatal(err)
	}
	var status Status
	if err := json.Unmarshal(rec.Body.Bytes(), &status); err != nil || !reflect.DeepEqual(status.Upstreams, []string{a}) || !status.Healthy[a] {
		t.Fatalf("%s %v", rec.Body, err)
	}
	if err := handler(httptest.NewRecorder(), httptest.NewRequest(http.MethodPut, "/routes", strings.NewReader(`{"upstreams":[]}`))); err == nil {
		t.Fatal("an empty table was accepted")
	}
	if err := handler(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/routes", nil)); err == nil {
		t.Fatal("POST was accepted")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
