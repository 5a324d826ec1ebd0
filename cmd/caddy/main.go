// Command caddy is Caddy's standard main with the normalize plugin plugged
// in: the same program that
//
//	xcaddy build --with github.com/respnorm/caddy-normalize
//
// produces.
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
