// Package routes switches the proxy from one release of the app to the next without reloading Caddy.
//
// The replicas the proxy sends requests to are a table kept in the proxy process: the reverse proxy
// reads it through a dynamic upstream source (module http.reverse_proxy.upstreams.routes) and a release
// replaces it as a whole through the admin API (PUT /routes, module admin.api.routes), which first checks
// that every new replica answers its health check. A configuration reload would do the same but restarts
// Caddy's servers, closing every client's idle keep-alive connection and resetting connections accepted
// at that moment: clients see failed requests (measured: a few per release under load). The table is also
// saved to a file, so a restarted proxy resumes it, and its replicas are health-checked all along: Caddy's
// own active health checks do not cover dynamic upstreams.
package routes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Checks says how a replica's health is checked.
type Checks struct {
	// Path asked for with GET; a 2xx answer is healthy.
	URI string
	// Between two checks of a replica.
	Interval time.Duration
	// For one check.
	Timeout time.Duration
	// Consecutive failed checks after which a replica gets no requests (until one check passes).
	Fails int
}

type replica struct {
	healthy bool
	failing int
	lastErr string
}

// Table is the replicas requests go to, with their health.
type Table struct {
	mu       sync.Mutex
	file     string
	checks   Checks
	addrs    []string
	replicas map[string]*replica
	client   *http.Client
	started  bool
}

// NewTable returns an empty table.
func NewTable() *Table {
	return &Table{replicas: map[string]*replica{}, client: &http.Client{
		// A replica's health is its own answer: redirects are not followed.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Configure sets where the table is saved and how replicas are checked, and loads the saved table if the
// table is still empty (a proxy that restarted). It starts the health checks on the first call.
func (t *Table) Configure(file string, checks Checks) error {
	t.mu.Lock()
	t.file, t.checks = file, checks
	empty := len(t.addrs) == 0
	start := !t.started
	t.started = true
	t.mu.Unlock()
	if empty && file != "" {
		saved, err := readFile(file)
		if err != nil {
			return err
		}
		t.set(saved)
	}
	if start {
		go t.checkForever()
	}
	return nil
}

// Upstreams returns the addresses requests may go to: the healthy replicas, or all of them when none is
// (a request then fails with the replicas' own answer rather than with "no upstreams").
func (t *Table) Upstreams() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	healthy := make([]string, 0, len(t.addrs))
	for _, addr := range t.addrs {
		if t.replicas[addr].healthy {
			healthy = append(healthy, addr)
		}
	}
	if len(healthy) == 0 {
		return append([]string(nil), t.addrs...)
	}
	return healthy
}

// Status is the table as the admin API shows it.
type Status struct {
	Upstreams []string          `json:"upstreams"`
	Healthy   map[string]bool   `json:"healthy"`
	Errors    map[string]string `json:"errors,omitempty"`
}

// Status returns the replicas and their health.
func (t *Table) Status() Status {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := Status{Upstreams: append([]string{}, t.addrs...), Healthy: map[string]bool{}, Errors: map[string]string{}}
	for _, addr := range t.addrs {
		r := t.replicas[addr]
		s.Healthy[addr] = r.healthy
		if r.lastErr != "" {
			s.Errors[addr] = r.lastErr
		}
	}
	return s
}

// Switch makes addrs the replicas requests go to, once each of them has passed a health check (retried
// until ctx ends), and saves the table. Nothing changes when one of them does not pass: the previous
// replicas keep every request. Requests already sent to a replica that leaves the table finish there.
func (t *Table) Switch(ctx context.Context, addrs []string) error {
	if len(addrs) == 0 {
		return errors.New("no upstreams: a release has at least one replica")
	}
	for _, addr := range addrs {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return fmt.Errorf("upstream %q is not host:port: %w", addr, err)
		}
	}
	var failed []string
	for _, addr := range addrs {
		if err := t.probeUntil(ctx, addr); err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", addr, err))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("not switched, the previous replicas keep serving: %s", strings.Join(failed, "; "))
	}
	t.set(addrs)
	t.mu.Lock()
	file := t.file
	t.mu.Unlock()
	if file == "" {
		return nil
	}
	return writeFile(file, addrs)
}

// set replaces the replicas; ones already known keep their health, new ones start healthy (they just
// passed a check, or were the last table of a proxy that restarted).
func (t *Table) set(addrs []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	replicas := map[string]*replica{}
	for _, addr := range addrs {
		if r, ok := t.replicas[addr]; ok {
			replicas[addr] = r
		} else {
			replicas[addr] = &replica{healthy: true}
		}
	}
	t.addrs, t.replicas = append([]string(nil), addrs...), replicas
}

func (t *Table) probeUntil(ctx context.Context, addr string) error {
	for {
		err := t.probe(ctx, addr)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// probe asks addr for its health path once.
func (t *Table) probe(ctx context.Context, addr string) error {
	t.mu.Lock()
	checks := t.checks
	t.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, checks.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+checks.URI, nil)
	if err != nil {
		return err
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close() //nolint:errcheck
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("GET %s answered %d", checks.URI, resp.StatusCode)
	}
	return nil
}

// checkForever checks every replica of the table once per interval.
func (t *Table) checkForever() {
	for {
		t.mu.Lock()
		interval, addrs := t.checks.Interval, append([]string(nil), t.addrs...)
		t.mu.Unlock()
		time.Sleep(interval)
		var wg sync.WaitGroup
		for _, addr := range addrs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				t.record(addr, t.probe(context.Background(), addr))
			}()
		}
		wg.Wait()
	}
}

func (t *Table) record(addr string, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	r, ok := t.replicas[addr]
	if !ok {
		return // switched away meanwhile
	}
	if err == nil {
		r.healthy, r.failing, r.lastErr = true, 0, ""
		return
	}
	r.failing++
	r.lastErr = err.Error()
	if r.failing >= max(1, t.checks.Fails) {
		r.healthy = false
	}
}

type saved struct {
	Upstreams []string `json:"upstreams"`
}

func readFile(file string) ([]string, error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s saved
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return s.Upstreams, nil
}

// writeFile saves the table atomically: a proxy restarting during a switch reads the old one or the new.
func writeFile(file string, addrs []string) error {
	data, err := json.Marshal(saved{Upstreams: addrs})
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".routes-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) //nolint:errcheck
	if _, err := tmp.Write(data); err != nil {
		tmp.Close() //nolint:errcheck
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}
