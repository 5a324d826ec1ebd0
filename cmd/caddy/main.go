// Command caddy is Caddy's standard main with the normalize plugin plugged
// in: the main.go that xcaddy v0.4.5 writes for
//
//	xcaddy build --with github.com/respnorm/caddy-normalize
//
// import for import. Like xcaddy's, it does not import time/tzdata (Caddy's
// own release main does). xcaddy builds it in a module of its own with
// -trimpath, -ldflags '-w -s', -tags nobadger,nomysql,nopgx and
// CGO_ENABLED=0; the README ("cmd/caddy and an xcaddy build") gives the
// go build line that does the same from here.
package main

import (
	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	// plug in Caddy modules here
	_ "github.com/caddyserver/caddy/v2/modules/standard"
	_ "github.com/respnorm/caddy-normalize"
)

func main() {
	caddycmd.Main()
}
