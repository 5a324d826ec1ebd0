// Package caddynormalize is the Caddy adapter for the normalize engine.
package caddynormalize
