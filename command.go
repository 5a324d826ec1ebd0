package caddynormalize

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"

	"github.com/caddyserver/caddy/v2"
	caddycmd "github.com/caddyserver/caddy/v2/cmd"
	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/respnorm/caddy-normalize/audit"
)

// Exit statuses of caddy normalize audit.
const (
	auditExitOK      = 0 // no MUST-level requirement broken
	auditExitBroken  = 1 // one is
	auditExitCouldNt = 2 // bad flags, or no URL reachable
)

func init() {
	caddycmd.RegisterCommand(caddycmd.Command{
		Name:  "normalize",
		Short: "Audits a service against RFC 9110, or fronts it with normalize",
		Long: `
Commands of the normalize plugin:

  audit   sends GET, HEAD and OPTIONS to each URL, reads each response off
          the socket, lists what it breaks of RFC 9110 with the rule IDs of
          the normalize handler, and suggests a normalize block;
  proxy   a reverse proxy with normalize in front, like caddy reverse-proxy,
          for a first look at a legacy service without a Caddyfile.
`,
		CobraFunc: func(cmd *cobra.Command) {
			cmd.AddCommand(auditCommand(), proxyCommand())
		},
	})
}

// auditCommand is caddy normalize audit.
func auditCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   `audit [--method <M>]... [--header "<Field>: <value>"]... [--timeout <duration>] [--format text|json] <URL>...`,
		Short: "Lists what a service breaks of RFC 9110 and suggests a normalize block",
		Long: `
Sends GET, HEAD and OPTIONS to every URL, plus each --method (the only way
a method that is not safe is ever sent), and judges every response with
the rules of the normalize handler, every rule as if set to report.
Responses are read off the socket by a small HTTP/1.1 client, since Go's
client hides the mistakes a legacy service makes (content on HEAD, 204 or
304, a second Content-Length).

Prints, per URL and method, each finding (rule, level, RFC section, what
was seen), then a summary per rule, then a normalize block for the
Caddyfile that repairs what a proxy can repair, with per-path allow lists
learned from the Allow fields and 405s seen.

--format json prints one object:
  {"findings": [{"url", "method", "status", "rule", "level", "ref", "detail"}...],
   "summary": {...}, "suggested": "<Caddyfile block>"}

Exit status: 0 when no MUST-level requirement is broken, 1 when one is,
2 when the audit could not run (bad flags, no URL reachable).
`,
		Example: `  caddy normalize audit http://localhost:8081/ http://localhost:8081/api/items
  caddy normalize audit --method POST --method DELETE --format json http://localhost:8081/api/items`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return caddycmd.WrapCommandFuncForCobra(func(fl caddycmd.Flags) (int, error) {
				return cmdAudit(fl, args)
			})(cmd, args)
		},
	}
	cmd.Flags().StringArrayP("method", "X", nil, "Another method to send to every URL (repeatable); only so is a method that is not safe sent")
	cmd.Flags().StringArrayP("header", "H", nil, `A request field to send, "Field: value" (repeatable)`)
	cmd.Flags().Duration("timeout", audit.DefaultTimeout, "Time limit of each request")
	cmd.Flags().String("format", "text", "Output format: text or json")
	cmd.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return couldNotRun(cmd, err)
	})
	return cmd
}

// couldNotRun ends a command with exit status 2, through Caddy's own
// wrapper, which logs err and carries the status to caddycmd.Main.
func couldNotRun(cmd *cobra.Command, err error) error {
	return caddycmd.WrapCommandFuncForCobra(func(caddycmd.Flags) (int, error) {
		return auditExitCouldNt, err
	})(cmd, nil)
}

func cmdAudit(fl caddycmd.Flags, urls []string) (int, error) {
	methods, err := fl.GetStringArray("method")
	if err != nil {
		return auditExitCouldNt, err
	}
	fields, err := fl.GetStringArray("header")
	if err != nil {
		return auditExitCouldNt, err
	}
	timeout, err := fl.GetDuration("timeout")
	if err != nil {
		return auditExitCouldNt, err
	}
	if timeout <= 0 {
		return auditExitCouldNt, fmt.Errorf("--timeout %v: want a positive duration", timeout)
	}
	format := fl.String("format")
	if format != "text" && format != "json" {
		return auditExitCouldNt, fmt.Errorf("--format %q: want text or json", format)
	}
	if len(urls) == 0 {
		return auditExitCouldNt, errors.New("no URL to audit: give at least one")
	}
	header := http.Header{}
	for _, f := range fields {
		name, value, err := audit.ParseHeader(f)
		if err != nil {
			return auditExitCouldNt, err
		}
		header.Add(name, value)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := audit.Run(ctx, urls, audit.Options{
		Methods: methods,
		Header:  header,
		Client:  &audit.Client{Timeout: timeout},
	})
	if rep == nil {
		return auditExitCouldNt, err
	}
	if err != nil { // nothing answered: say why, per request
		for _, res := range rep.Results {
			caddy.Log().Error("no response", zap.String("method", res.Method), zap.String("url", res.URL), zap.Error(res.Err))
		}
		return auditExitCouldNt, err
	}
	if format == "json" {
		err = rep.WriteJSON(os.Stdout)
	} else {
		err = rep.WriteText(os.Stdout)
	}
	if err != nil {
		return auditExitCouldNt, err
	}
	if rep.BrokenMust() {
		s := rep.Summary()
		return auditExitBroken, fmt.Errorf("%d MUST-level requirement(s) broken", s.Must)
	}
	return auditExitOK, nil
}
