package portable

import (
	"strings"
	"testing"
)

func env(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) { v, ok := vars[name]; return v, ok }
}

func TestLookupReturnsTheValue(t *testing.T) {
	got, err := lookup(env(map[string]string{"ACME_SECRET_KEY": "s3cret"}), "ACME_SECRET_KEY", "")
	if err != nil || got != "s3cret" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestLookupNamesTheVariableAndWhoNeedsIt(t *testing.T) {
	cases := []struct {
		vars  map[string]string
		state string
	}{{map[string]string{}, "is not set"}, {map[string]string{"ACME_SECRET_KEY": ""}, "is empty"}}
	for _, c := range cases {
		_, err := lookup(env(c.vars), "ACME_SECRET_KEY", "environments/local.ts: service.secrets.SECRET_KEY")
		if err == nil {
			t.Fatalf("%s: expected an error", c.state)
		}
		for _, want := range []string{"ACME_SECRET_KEY " + c.state, "environments/local.ts: service.secrets.SECRET_KEY reads its value from it", "nothing was changed"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%q does not contain %q", err, want)
			}
		}
	}
}
