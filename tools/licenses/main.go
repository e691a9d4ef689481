// Command licenses classifies licence texts for `npm run licenses` (scripts/licenses.ts).
//
// It reads a JSON array of {"key": "...", "text": "..."} on stdin and writes a JSON object
// key → {"percent": P, "matches": [{"id", "start", "end", "isURL"}]} on stdout, where the
// matches are the licences github.com/google/licensecheck recognises in the text (SPDX ids)
// and P is how much of the text they cover. The decisions (allowed, refused, unknown) are
// taken by the TypeScript side (scripts/licenses/policy.ts), not here.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/google/licensecheck"
)

type request struct {
	Key  string `json:"key"`
	Text string `json:"text"`
}

type match struct {
	ID    string `json:"id"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	IsURL bool   `json:"isURL,omitempty"`
}

type result struct {
	Percent float64 `json:"percent"`
	Matches []match `json:"matches"`
	// The start of the text no licence covers (whitespace collapsed), for the reviewer of an unknown.
	Uncovered string `json:"uncovered,omitempty"`
}

// uncovered returns up to max bytes of the text outside the matches, skipping parts that hold no
// letter or digit (comment markers, rules, blank lines).
func uncovered(text []byte, matches []licensecheck.Match, max int) string {
	var parts []string
	size := 0
	add := func(b []byte) {
		s := strings.Join(strings.Fields(string(b)), " ")
		if size >= max || !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			return
		}
		parts = append(parts, s)
		size += len(s)
	}
	sorted := append([]licensecheck.Match(nil), matches...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Start < sorted[j].Start })
	at := 0
	for _, m := range sorted {
		if m.Start > at {
			add(text[at:m.Start])
		}
		if m.End > at {
			at = m.End
		}
	}
	add(text[at:])
	s := strings.Join(parts, " … ")
	if len(s) > max {
		s = s[:max] + "…"
	}
	return strings.ToValidUTF8(s, "")
}

func main() {
	var reqs []request
	if err := json.NewDecoder(os.Stdin).Decode(&reqs); err != nil {
		fmt.Fprintf(os.Stderr, "licenses: reading the request: %v\n", err)
		os.Exit(2)
	}
	results := make([]result, len(reqs))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				text := []byte(reqs[i].Text)
				cov := licensecheck.Scan(text)
				r := result{Percent: cov.Percent, Matches: []match{}, Uncovered: uncovered(text, cov.Match, 240)}
				for _, m := range cov.Match {
					r.Matches = append(r.Matches, match{ID: m.ID, Start: m.Start, End: m.End, IsURL: m.IsURL})
				}
				results[i] = r
			}
		}()
	}
	for i := range reqs {
		next <- i
	}
	close(next)
	wg.Wait()
	out := make(map[string]result, len(reqs))
	for i, r := range reqs {
		out[r.Key] = results[i]
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintf(os.Stderr, "licenses: writing the result: %v\n", err)
		os.Exit(2)
	}
}
