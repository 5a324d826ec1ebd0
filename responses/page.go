package responses

import (
	"strconv"
	"time"
)

// Page is a generated HTML page for people: an error page (502, 404...)
// or the maintenance page. Every generated page has the same look: one
// card, centred, that fits a phone's screen (viewport meta, no fixed
// widths, long identifiers wrap), in the reader's light or dark scheme.
//
// Every text is escaped; none is ever markup.
type Page struct {
	// Status is the response's status code.
	Status int
	// Title is the document's title and heading. Default: the status
	// and its reason phrase, "502 Bad Gateway".
	Title string
	// Lead says what happened and what the visitor can do. Default, when
	// Title is also empty: a sentence for Status (StatusAdvice).
	Lead string
	// Message is an operator's message, or the error's detail, shown as
	// a paragraph of its own (id "message") when not empty.
	Message string
	// RequestID identifies the request in the server's logs, shown to be
	// quoted to support (id "request-id") when not empty.
	RequestID string
	// RetryIn says when to come back, for people ("about 5 minutes"; see
	// HumanDelay), when the response's Retry-After is known.
	RetryIn string
	// Until is a known end, an HTTP-date, with UntilISO the same time in
	// RFC 3339; it is shown in place of RetryIn.
	Until, UntilISO string
	// Refresh, when positive, makes the page reload itself after that
	// many seconds.
	Refresh int64
}

// pageStyle is the look every generated page shares.
const pageStyle = `*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;padding:12vh 1rem 2rem;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f8fa}
main{max-width:36rem;margin:0 auto;padding:1.75rem 1.5rem;background:#fff;border:1px solid #d0d7de;border-radius:12px}
h1{font-size:1.6rem;line-height:1.25;margin:0 0 .75rem;overflow-wrap:anywhere}
p{margin:.5rem 0;overflow-wrap:anywhere}
.when{color:#57606a}
.id{margin-top:1.5rem;color:#57606a;font-size:.875rem}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
@media (prefers-color-scheme:dark){body{color:#e6edf3;background:#0d1117}main{background:#161b22;border-color:#30363d}.when,.id{color:#8b949e}}
`

// AppendPage appends the HTML document of p to dst and returns the
// extended slice.
func AppendPage(dst []byte, p Page) []byte {
	code := errorCode(p.Status)
	lead := p.Lead
	dst = append(dst, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"...)
	if p.Refresh > 0 {
		dst = append(dst, "<meta http-equiv=\"refresh\" content=\""...)
		dst = strconv.AppendInt(dst, p.Refresh, 10)
		dst = append(dst, "\">\n"...)
	}
	dst = append(dst, "<title>"...)
	if p.Title != "" {
		dst = appendEscapedHTML(dst, p.Title)
	} else {
		dst = appendStatusLine(dst, code, true)
		if lead == "" {
			lead = StatusAdvice(code)
		}
	}
	dst = append(dst, "</title>\n<style>\n"...)
	dst = append(dst, pageStyle...)
	dst = append(dst, "</style>\n</head>\n<body>\n<main>\n<h1>"...)
	if p.Title != "" {
		dst = appendEscapedHTML(dst, p.Title)
	} else {
		dst = appendStatusLine(dst, code, true)
	}
	dst = append(dst, "</h1>\n"...)
	if lead != "" {
		dst = appendPara(dst, ` class="lead"`, lead)
	}
	if p.Message != "" {
		dst = appendPara(dst, ` id="message"`, p.Message)
	}
	switch {
	case p.Until != "":
		dst = append(dst, "<p class=\"when\">Expected back by <time datetime=\""...)
		dst = appendEscapedHTML(dst, p.UntilISO)
		dst = append(dst, "\">"...)
		dst = appendEscapedHTML(dst, p.Until)
		dst = append(dst, "</time>.</p>\n"...)
	case p.RetryIn != "":
		dst = append(dst, "<p class=\"when\">Please try again in "...)
		dst = appendEscapedHTML(dst, p.RetryIn)
		if p.Refresh > 0 {
			dst = append(dst, "; this page reloads by itself"...)
		}
		dst = append(dst, ".</p>\n"...)
	}
	if p.RequestID != "" {
		dst = append(dst, "<p class=\"id\">If this persists, quote request ID <code id=\"request-id\">"...)
		dst = appendEscapedHTML(dst, p.RequestID)
		dst = append(dst, "</code> to support.</p>\n"...)
	}
	return append(dst, "</main>\n</body>\n</html>\n"...)
}

func appendPara(dst []byte, attrs, text string) []byte {
	dst = append(dst, "<p"...)
	dst = append(dst, attrs...)
	dst = append(dst, '>')
	dst = appendEscapedHTML(dst, text)
	return append(dst, "</p>\n"...)
}

// StatusAdvice returns a sentence for people about an error status code:
// what happened and what they can do about it.
func StatusAdvice(code int) string {
	switch code {
	case 400:
		return "The request could not be understood. Check the address and try again."
	case 401, 407:
		return "This page needs you to sign in."
	case 403:
		return "You are not allowed to see this page."
	case 404, 410:
		return "There is nothing at this address. Check it for typos, or start again from the home page."
	case 405:
		return "This page does not accept that kind of request."
	case 408:
		return "The request took too long to arrive. Please try again."
	case 413:
		return "What you sent is too large for this page."
	case 429:
		return "Too many requests in a short time. Please wait a moment, then try again."
	case 502:
		return "The server behind this site did not send a valid answer. Please try again in a moment."
	case 503:
		return "The service is temporarily unavailable. Please try again later."
	case 504:
		return "The server behind this site took too long to answer. Please try again in a moment."
	}
	switch {
	case code >= 500:
		return "Something went wrong on our side. Please try again later."
	case code >= 400:
		return "The request could not be served as it was sent."
	}
	return ""
}

// HumanDelay says a delay for people, rounded to minutes past two
// minutes and to hours past two hours: "a moment", "45 seconds", "about
// 5 minutes", "about 3 hours".
func HumanDelay(d time.Duration) string {
	secs := int64((d + time.Second - 1) / time.Second)
	switch {
	case secs <= 1:
		return "a moment"
	case secs < 120:
		return strconv.FormatInt(secs, 10) + " seconds"
	case secs < 2*3600:
		return "about " + strconv.FormatInt((secs+30)/60, 10) + " minutes"
	}
	return "about " + strconv.FormatInt((secs+1800)/3600, 10) + " hours"
}
