// Command httpcheck is a tiny static HTTP probe for container health checks
// in images without a shell or curl (FROM scratch).
//
//	httpcheck [-timeout 5s] [-status 200-399] URL
//	httpcheck -install DIR
//
// It exits 0 when URL answers with a status in the accepted range, 1 when it
// answers with another status or cannot be reached, 2 on usage errors.
//
// -install copies the binary itself to DIR/httpcheck: the Docker target puts it
// in a volume it mounts into the app's containers, so any app image (one without
// curl, or without a shell) gets a health check.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
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

func main() {
	timeout := flag.Duration("timeout", 5*time.Second, "request timeout")
	status := flag.String("status", "200-399", "accepted status code or range")
	install := flag.String("install", "", "copy this binary to DIR/httpcheck and exit")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: httpcheck [-timeout 5s] [-status 200-399] URL | httpcheck -install DIR")
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
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	lo, hi, err := parseRange(*status)
	if err != nil {
		fmt.Fprintln(os.Stderr, "httpcheck: bad -status:", err)
		os.Exit(2)
	}
	client := &http.Client{
		Timeout: *timeout,
		// report redirects as they are instead of following them
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Get(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "httpcheck:", err)
		os.Exit(1)
	}
	resp.Body.Close()
	if resp.StatusCode < lo || resp.StatusCode > hi {
		fmt.Fprintln(os.Stderr, "httpcheck: HTTP", resp.StatusCode)
		os.Exit(1)
	}
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
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o755); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, "httpcheck"))
}
