// Command caddy is Caddy v2 with its standard modules, built the same way
// xcaddy does it (a main module that imports Caddy), so `caddy version`
// reports the real module version and go.sum pins every dependency.
package main

import (
	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	_ "github.com/caddyserver/caddy/v2/modules/standard"

	// The switch between releases of the app (images/proxy/routes).
	_ "portable-backend/images/proxy/routes"
)

func main() {
	caddycmd.Main()
}
