// Command httpcheck is a tiny static probe for container health checks in
// images without a shell or curl (FROM scratch), and the Docker target's tool
// for the steps of a release.
//
//	httpcheck [-timeout 5s] [-status 200-399] [-wait 0] [-put FILE] TARGET...
//	httpcheck -install DIR
//
// A TARGET is an http(s):// URL, which must answer with a status in the
// accepted range, or tcp://host:port, which must accept a connection. It exits
// 0 when every target passes, 1 when one does not, 2 on usage errors.
//
// -wait retries the targets that have not passed yet, every 500 ms, for up to
// that long: the app's containers of a release wait this way for the database,
// the object store and the cache to answer (a Terraform dependency on those
// would let a release replace them, see constructs/docker/release.ts).
//
// -put sends FILE (JSON) with PUT instead of a GET, and prints the answer: the
// Docker target switches the proxy to a new release this way, through Caddy's
// admin API.
//
// -install copies the binary itself to DIR/httpcheck: the Docker target puts it
// in a volume it mounts into the app's containers, so any app image (one without
// curl, or without a shell) gets a health check.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func parseRange(s string) (lo, hi int, err error) {
	a, b, found := strings.Cut(s, "-")
	if lo, err = strconv.Atoi(a); err != nil {
		return 0, 0, err
	}
	hi = lo
	if found {
		if hi, err = strconv.Atoi(b); err != nil {
			return 0, 0, err
		}
	}
	return lo, hi, nil
}

type probe struct {
	client *http.Client
	lo, hi int
	put    string
}

func main() {
	timeout := flag.Duration("timeout", 5*time.Second, "timeout of one check")
	status := flag.String("status", "200-399", "accepted HTTP status code or range")
	wait := flag.Duration("wait", 0, "retry the targets that have not passed for up to this long")
	install := flag.String("install", "", "copy this binary to DIR/httpcheck and exit")
	put := flag.String("put", "", "send this JSON file with PUT and print the answer")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: httpcheck [-timeout 5s] [-status 200-399] [-wait 0] [-put FILE] TARGET... | httpcheck -install DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *install != "" {
		if err := installInto(*install); err != nil {
			fmt.Fprintln(os.Stderr, "httpcheck: install:", err)
			os.Exit(1)
		}
		return
	}
	if flag.NArg() == 0 || (*put != "" && flag.NArg() != 1) {
		flag.Usage()
		os.Exit(2)
	}
	lo, hi, err := parseRange(*status)
	if err != nil {
		fmt.Fprintln(os.Stderr, "httpcheck: bad -status:", err)
		os.Exit(2)
	}
	p := probe{lo: lo, hi: hi, put: *put, client: &http.Client{
		Timeout: *timeout,
		// report redirects as they are instead of following them
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	deadline := time.Now().Add(*wait)
	pending := flag.Args()
	for {
		var failed []string
		var errs []string
		for _, target := range pending {
			if err := p.check(target); err != nil {
				failed = append(failed, target)
				errs = append(errs, fmt.Sprintf("httpcheck: %s: %v", target, err))
			}
		}
		if len(failed) == 0 {
			return
		}
		if !time.Now().Before(deadline) {
			fmt.Fprintln(os.Stderr, strings.Join(errs, "\n"))
			os.Exit(1)
		}
		pending = failed
		time.Sleep(500 * time.Millisecond)
	}
}

// check tries target once.
func (p probe) check(target string) error {
	u, err := url.Parse(target)
	if err != nil {
		return err
	}
	if u.Scheme == "tcp" {
		conn, err := net.DialTimeout("tcp", u.Host, p.client.Timeout)
		if err != nil {
			return err
		}
		return conn.Close()
	}
	resp, err := p.request(target)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var answer []byte
	if p.put != "" {
		answer, _ = io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	}
	if resp.StatusCode < p.lo || resp.StatusCode > p.hi {
		return fmt.Errorf("HTTP %d %s", resp.StatusCode, strings.TrimSpace(string(answer)))
	}
	if len(answer) > 0 {
		fmt.Println(strings.TrimSpace(string(answer)))
	}
	return nil
}

// request GETs url, or PUTs the JSON file to it.
func (p probe) request(url string) (*http.Response, error) {
	if p.put == "" {
		return p.client.Get(url)
	}
	body, err := os.Open(p.put)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	req, err := http.NewRequest(http.MethodPut, url, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	return p.client.Do(req)
}

// installInto copies the running binary to dir/httpcheck, replacing any older
// copy atomically (a health check running at that moment keeps the old one).
func installInto(dir string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	src, err := os.Open(self)
	if err != nil {
		return err
	}
	defer src.Close()
	tmp, err := os.CreateTemp(dir, ".httpcheck-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, src); err != nil {
		return errors.Join(err, tmp.Close())
	}
	if err := tmp.Chmod(0o755); err != nil {
		return errors.Join(err, tmp.Close())
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, "httpcheck"))
}
