// Command httpcheck is a tiny static HTTP probe for container health checks
// in images without a shell or curl (FROM scratch).
//
//	httpcheck [-timeout 5s] [-status 200-399] URL
//
// It exits 0 when URL answers with a status in the accepted range, 1 when it
// answers with another status or cannot be reached, 2 on usage errors.
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
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
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: httpcheck [-timeout 5s] [-status 200-399] URL")
		flag.PrintDefaults()
	}
	flag.Parse()
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
