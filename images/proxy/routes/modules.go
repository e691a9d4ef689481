package routes

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp/reverseproxy"
)

// table is the proxy process's one table: a proxy serves one app.
var table = NewTable()

func init() {
	caddy.RegisterModule(Upstreams{})
	caddy.RegisterModule(Admin{})
}

// Upstreams is the reverse proxy's dynamic upstream source: the table's healthy replicas.
//
//	dynamic routes {
//	    file            <path>       # where the table is saved (on a volume, to survive the container)
//	    health_uri      <path>       # default /healthz
//	    health_interval <duration>   # default 5s
//	    health_timeout  <duration>   # default 3s
//	    health_fails    <n>          # default 2
//	}
type Upstreams struct {
	File           string         `json:"file,omitempty"`
	HealthURI      string         `json:"health_uri,omitempty"`
	HealthInterval caddy.Duration `json:"health_interval,omitempty"`
	HealthTimeout  caddy.Duration `json:"health_timeout,omitempty"`
	HealthFails    int            `json:"health_fails,omitempty"`
}

// CaddyModule returns the module's information.
func (Upstreams) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{ID: "http.reverse_proxy.upstreams.routes", New: func() caddy.Module { return new(Upstreams) }}
}

// Provision configures the table (and loads the saved one when the proxy has just started).
func (u *Upstreams) Provision(caddy.Context) error {
	checks := Checks{URI: u.HealthURI, Interval: time.Duration(u.HealthInterval), Timeout: time.Duration(u.HealthTimeout), Fails: u.HealthFails}
	if checks.URI == "" {
		checks.URI = "/healthz"
	}
	if checks.Interval <= 0 {
		checks.Interval = 5 * time.Second
	}
	if checks.Timeout <= 0 {
		checks.Timeout = 3 * time.Second
	}
	if checks.Fails <= 0 {
		checks.Fails = 2
	}
	return table.Configure(u.File, checks)
}

// GetUpstreams returns the replicas a request may go to.
func (u *Upstreams) GetUpstreams(*http.Request) ([]*reverseproxy.Upstream, error) {
	addrs := table.Upstreams()
	upstreams := make([]*reverseproxy.Upstream, len(addrs))
	for i, addr := range addrs {
		upstreams[i] = &reverseproxy.Upstream{Dial: addr}
	}
	return upstreams, nil
}

// UnmarshalCaddyfile reads the `dynamic routes { ... }` block.
func (u *Upstreams) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	d.Next() // the source's name
	if d.NextArg() {
		return d.ArgErr()
	}
	for d.NextBlock(0) {
		key := d.Val()
		if !d.NextArg() {
			return d.ArgErr()
		}
		value := d.Val()
		switch key {
		case "file":
			u.File = value
		case "health_uri":
			u.HealthURI = value
		case "health_interval", "health_timeout":
			dur, err := caddy.ParseDuration(value)
			if err != nil {
				return d.Errf("%s: %v", key, err)
			}
			if key == "health_interval" {
				u.HealthInterval = caddy.Duration(dur)
			} else {
				u.HealthTimeout = caddy.Duration(dur)
			}
		case "health_fails":
			if _, err := fmt.Sscanf(value, "%d", &u.HealthFails); err != nil || u.HealthFails < 1 {
				return d.Errf("health_fails: a whole number of at least 1, got %q", value)
			}
		default:
			return d.Errf("unknown subdirective %q", key)
		}
	}
	return nil
}

// Admin serves the table on the admin API: GET /routes shows it, PUT /routes {"upstreams": [...]}
// switches it (after every new replica passed a health check; ?wait=30s bounds the checks).
type Admin struct{}

// CaddyModule returns the module's information.
func (Admin) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{ID: "admin.api.routes", New: func() caddy.Module { return new(Admin) }}
}

// Routes returns the admin endpoint.
func (Admin) Routes() []caddy.AdminRoute {
	return []caddy.AdminRoute{{Pattern: "/routes", Handler: caddy.AdminHandlerFunc(serveAdmin(table))}}
}

func serveAdmin(t *Table) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		switch r.Method {
		case http.MethodGet:
		case http.MethodPut:
			var body saved
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
				return caddy.APIError{HTTPStatus: http.StatusBadRequest, Err: fmt.Errorf(`expected {"upstreams": ["host:port", ...]}: %w`, err)}
			}
			wait := 30 * time.Second
			if v := r.URL.Query().Get("wait"); v != "" {
				d, err := time.ParseDuration(v)
				if err != nil {
					return caddy.APIError{HTTPStatus: http.StatusBadRequest, Err: fmt.Errorf("wait: %w", err)}
				}
				wait = d
			}
			ctx, cancel := context.WithTimeout(r.Context(), wait)
			defer cancel()
			if err := t.Switch(ctx, body.Upstreams); err != nil {
				return caddy.APIError{HTTPStatus: http.StatusConflict, Err: err}
			}
		default:
			return caddy.APIError{HTTPStatus: http.StatusMethodNotAllowed, Err: fmt.Errorf("GET or PUT, not %s", r.Method)}
		}
		w.Header().Set("Content-Type", "application/json")
		return json.NewEncoder(w).Encode(t.Status())
	}
}

var (
	_ caddy.Provisioner           = (*Upstreams)(nil)
	_ reverseproxy.UpstreamSource = (*Upstreams)(nil)
	_ caddyfile.Unmarshaler       = (*Upstreams)(nil)
	_ caddy.AdminRouter           = Admin{}
)
