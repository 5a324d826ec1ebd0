package normalize

import (
	"bufio"
	"io"
	"net/http"
)

// CheckResponse returns the rules resp breaks, as Check does, judging the
// response a client received or a test recorded. The request is
// resp.Request (a GET without one), in resp's protocol when resp states
// one (a client's resp.Request keeps the protocol it was written with,
// not the one the server answered in). Transfer-Encoding, which the
// client moves from the header to resp.TransferEncoding, is judged as
// sent.
//
// resp has content when its Body yields a byte. To tell, CheckResponse
// reads at most a few bytes and puts them back: resp.Body afterwards
// reads the whole content, or the error the read met, and closes the
// original body. It blocks until the first byte arrives or the body ends.
// The body of a 1xx (for a 101, the connection) and of a 2xx to CONNECT
// (the tunnel) is not read. Go's client hands over no content for HEAD,
// 204 or 304: rules about content there judge the header alone.
//
// A conformant response gives nil. Package conformtest turns the
// violations into test failures.
func CheckResponse(resp *http.Response) []Violation {
	req := &http.Request{Method: http.MethodGet, Header: http.Header{}}
	if resp.Request != nil {
		r := *resp.Request
		req = &r
		if req.Method == "" {
			req.Method = http.MethodGet
		}
	}
	if resp.ProtoMajor != 0 || resp.ProtoMinor != 0 {
		req.Proto, req.ProtoMajor, req.ProtoMinor = resp.Proto, resp.ProtoMajor, resp.ProtoMinor
	}
	h := resp.Header
	if len(resp.TransferEncoding) > 0 && len(h["Transfer-Encoding"]) == 0 {
		h = h.Clone()
		if h == nil {
			h = http.Header{}
		}
		h["Transfer-Encoding"] = resp.TransferEncoding
	}
	return Check(req, resp.StatusCode, h, peekContent(resp, req.Method))
}

// peekContent reports whether resp's body yields a byte, and leaves
// resp.Body reading from its start.
func peekContent(resp *http.Response, method string) bool {
	if resp.Body == nil || resp.Body == http.NoBody {
		return false
	}
	if resp.StatusCode/100 == 1 || (resp.StatusCode/100 == 2 && method == http.MethodConnect) {
		return false
	}
	br := bufio.NewReaderSize(resp.Body, 16)
	_, err := br.Peek(1)
	resp.Body = peekedBody{br, resp.Body}
	return err == nil
}

// peekedBody reads what was peeked, then the rest; Close closes the
// original body.
type peekedBody struct {
	io.Reader
	io.Closer
}
