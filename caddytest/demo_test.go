package caddytest

// The README's demo, proved row by row: Caddyfile.example, unmodified,
// runs in a Caddy built from ./cmd/caddy (its own ports: the legacy app on
// :8081, the normalize site on :8080, admin on :2019), and every row of the
// README's "The demo: before and after" table is read from README.md and
// checked against what the two sites answer. A row the parser does not
// understand fails the test: the table cannot drift from the demo.
//
// The ports are the example's, fixed: run this, like the rest of the
// suite, where nothing else holds them (a private network namespace).

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	demoReadme     = "../README.md"
	demoCaddyfile  = "../Caddyfile.example"
	demoSection    = "## The demo: before and after"
	demoLegacyPort = "8081"
	demoNormPort   = "8080"
	demoAdmin      = "localhost:2019"
)

// demoRow is one row of the README's table.
type demoRow struct {
	line    int               // in README.md
	method  string            // from -X; GET without it
	port    string            // "PORT" (both sites) or a fixed port
	path    string            // request target
	header  map[string]string // from -H options
	legacy  []demoClause
	behind  []demoClause
	request string // the cell as written
}

// demoClause is one checkable statement of a cell.
type demoClause struct {
	text string // as written, for messages
	kind string // one of the clause kinds below
	arg  string // field name, status, body text...
	val  string // field value, reason phrase
}

// The clause kinds, as written in a cell (`x` is a code span):
//
//	`405` or `405 Method Not Allowed`  the status code (and reason phrase)
//	`Name: value`                      the field is sent, once, with this value
//	no `Name`                          the field is not sent
//	no body                            the content is empty
//	body `text`                        the content is text (a trailing newline,
//	                                   which a code span cannot show, allowed)
//	body with `a` and `b`              the content contains a and b
//	the same / untouched               what the legacy app sent: status, every
//	                                   field but Date, Server and Via, content
//	`host:port` refuses connections    nothing listens there (an upstream that is down)
//
// A clause may end in parentheses holding a citation, (RFC 9110 §15.5.6) or
// (§15.3.6), which is not checked, or a directive of the example,
// (`replace_errors 500`), which must be a line of Caddyfile.example.
const (
	clauseStatus  = "status"
	clauseField   = "field"
	clauseNoField = "no field"
	clauseNoBody  = "no body"
	clauseBody    = "body"
	clauseBodyHas = "body with"
	clauseSame    = "same"
	clauseRefused = "refused"
)

var (
	reCodeOnly  = regexp.MustCompile("^`([^`]*)`$")
	reStatus    = regexp.MustCompile(`^([1-5][0-9][0-9])(?: ([A-Za-z][A-Za-z' -]*))?$`)
	reField     = regexp.MustCompile(`^([A-Za-z0-9!#$%&'*+.^_|~-]+): (.*)$`)
	reNoField   = regexp.MustCompile("^no `([A-Za-z0-9!#$%&'*+.^_|~-]+)`$")
	reBody      = regexp.MustCompile("^body `([^`]*)`$")
	reBodyWith  = regexp.MustCompile("^body with (`[^`]+`(?: and `[^`]+`)*)$")
	reCodeSpans = regexp.MustCompile("`([^`]+)`")
	reRefused   = regexp.MustCompile("^`([^`]+:[0-9]+)` refuses connections$")
	reCitation  = regexp.MustCompile(`^(?:RFC 9110 )?§[0-9]+(?:\.[0-9]+)*$`)
	reDirective = regexp.MustCompile("^`([^`]+)`$")
	reTrailer   = regexp.MustCompile(`^(.*?) \(([^()]*)\)$`)
	reRequest   = regexp.MustCompile("^`curl -si(?: -X ([A-Z]+))?((?: -H '[^']*')*) localhost:(PORT|[0-9]+)(/[^ `]*)`$")
	reHeaderOpt = regexp.MustCompile(`-H '([^':]+): ([^']*)'`)
)

// parseDemoTable reads the table of the demo section of readme. Any row,
// cell or clause it cannot read is an error: nothing is skipped.
func parseDemoTable(readme, caddyfile string) ([]demoRow, error) {
	lines := strings.Split(readme, "\n")
	start := -1
	for i, l := range lines {
		if strings.TrimSpace(l) == demoSection {
			start = i
			break
		}
	}
	if start < 0 {
		return nil, fmt.Errorf("README has no %q section", demoSection)
	}
	// The first table of the section: header, delimiter, rows.
	i := start + 1
	for ; i < len(lines) && !strings.HasPrefix(lines[i], "|"); i++ {
		if strings.HasPrefix(lines[i], "## ") {
			return nil, fmt.Errorf("the %q section has no table", demoSection)
		}
	}
	if i+1 >= len(lines) {
		return nil, fmt.Errorf("the %q section has no table", demoSection)
	}
	wantHead := []string{"request", "legacy app (`:8081`)", "behind `normalize` (`:8080`)"}
	if got := splitRow(lines[i]); strings.Join(got, "|") != strings.Join(wantHead, "|") {
		return nil, fmt.Errorf("README line %d: table header %q, want the columns %q", i+1, got, wantHead)
	}
	if d := splitRow(lines[i+1]); len(d) != 3 || strings.Trim(strings.Join(d, ""), "-:") != "" {
		return nil, fmt.Errorf("README line %d: %q is not the table's delimiter row", i+2, lines[i+1])
	}
	directives := map[string]bool{}
	for _, l := range strings.Split(caddyfile, "\n") {
		directives[strings.TrimSpace(l)] = true
	}
	var rows []demoRow
	for i += 2; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
		row, err := parseDemoRow(lines[i], directives)
		if err != nil {
			return nil, fmt.Errorf("README line %d: %w", i+1, err)
		}
		row.line = i + 1
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("the %q table has no rows", demoSection)
	}
	return rows, nil
}

// checkDemoExcerpt checks the Caddyfile excerpt the demo section shows:
// its lines, but "...", are lines of Caddyfile.example, in that order.
func checkDemoExcerpt(readme, caddyfile string) error {
	_, section, ok := strings.Cut(readme, "\n"+demoSection+"\n")
	if !ok {
		return fmt.Errorf("README has no %q section", demoSection)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	_, block, ok := strings.Cut(section, "```caddyfile\n")
	if !ok {
		return fmt.Errorf("the %q section shows no Caddyfile", demoSection)
	}
	block, _, ok = strings.Cut(block, "```")
	if !ok {
		return fmt.Errorf("the %q section's Caddyfile block is not closed", demoSection)
	}
	example := strings.Split(caddyfile, "\n")
	at := 0
	for _, l := range strings.Split(block, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || l == "..." {
			continue
		}
		for at < len(example) && strings.TrimSpace(example[at]) != l {
			at++
		}
		if at == len(example) {
			return fmt.Errorf("the README's excerpt of Caddyfile.example shows %q, which the example lacks (or has earlier)", l)
		}
		at++
	}
	return nil
}

// splitRow splits a table row into its trimmed cells.
func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	line = strings.TrimSuffix(line, "|")
	cells := strings.Split(line, "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

func parseDemoRow(line string, directives map[string]bool) (demoRow, error) {
	cells := splitRow(line)
	if len(cells) != 3 {
		return demoRow{}, fmt.Errorf("%d cells, want 3: %q", len(cells), line)
	}
	m := reRequest.FindStringSubmatch(cells[0])
	if m == nil {
		return demoRow{}, fmt.Errorf("request %q is not `curl -si [-X METHOD] [-H 'Name: value']... localhost:PORT/path`", cells[0])
	}
	row := demoRow{request: cells[0], method: m[1], port: m[3], path: m[4], header: map[string]string{}}
	if row.method == "" {
		row.method = http.MethodGet
	}
	for _, h := range reHeaderOpt.FindAllStringSubmatch(m[2], -1) {
		row.header[h[1]] = h[2]
	}
	var err error
	if row.legacy, err = parseCell(cells[1], directives); err != nil {
		return demoRow{}, fmt.Errorf("legacy column: %w", err)
	}
	if row.behind, err = parseCell(cells[2], directives); err != nil {
		return demoRow{}, fmt.Errorf("normalize column: %w", err)
	}
	for _, c := range row.behind {
		if c.kind == clauseRefused {
			return demoRow{}, fmt.Errorf("normalize column: %q: only the legacy column can name a down upstream", c.text)
		}
	}
	switch row.port {
	case "PORT":
	case demoNormPort:
		// Only the normalize site is asked; the legacy column must say
		// what stands behind it without a request to :8081.
		for _, c := range row.legacy {
			if c.kind != clauseRefused {
				return demoRow{}, fmt.Errorf("legacy column: %q needs a request to :%s, but the row asks only :%s", c.text, demoLegacyPort, demoNormPort)
			}
		}
	default:
		return demoRow{}, fmt.Errorf("request %q: port %s is neither PORT nor %s", cells[0], row.port, demoNormPort)
	}
	return row, nil
}

// parseCell reads a cell: clauses separated by ", " outside code spans.
func parseCell(cell string, directives map[string]bool) ([]demoClause, error) {
	var clauses []demoClause
	for _, text := range splitClauses(cell) {
		c, err := parseClause(text, directives)
		if err != nil {
			return nil, err
		}
		clauses = append(clauses, c)
	}
	if len(clauses) == 0 {
		return nil, fmt.Errorf("empty cell")
	}
	hasStatus, hasSame, hasRefused := false, false, false
	for _, c := range clauses {
		hasStatus = hasStatus || c.kind == clauseStatus
		hasSame = hasSame || c.kind == clauseSame
		hasRefused = hasRefused || c.kind == clauseRefused
	}
	if !hasStatus && !hasSame && !hasRefused {
		return nil, fmt.Errorf("%q states no status", cell)
	}
	return clauses, nil
}

func splitClauses(cell string) []string {
	var out []string
	inCode := false
	last := 0
	for i := 0; i < len(cell); i++ {
		switch {
		case cell[i] == '`':
			inCode = !inCode
		case !inCode && strings.HasPrefix(cell[i:], ", "):
			out = append(out, cell[last:i])
			last = i + 2
			i++
		}
	}
	return append(out, cell[last:])
}

func parseClause(text string, directives map[string]bool) (demoClause, error) {
	c := demoClause{text: text}
	body := text
	if m := reTrailer.FindStringSubmatch(text); m != nil {
		note := m[2]
		switch {
		case reCitation.MatchString(note):
		case reDirective.MatchString(note):
			d := reDirective.FindStringSubmatch(note)[1]
			if !directives[d] {
				return c, fmt.Errorf("%q: Caddyfile.example has no line %q", text, d)
			}
		default:
			return c, fmt.Errorf("%q: a note in parentheses must be a citation (§x.y) or a directive of the example (`...`)", text)
		}
		body = m[1]
	}
	if m := reCodeOnly.FindStringSubmatch(body); m != nil {
		if s := reStatus.FindStringSubmatch(m[1]); s != nil {
			c.kind, c.arg, c.val = clauseStatus, s[1], s[2]
			return c, nil
		}
		if f := reField.FindStringSubmatch(m[1]); f != nil {
			c.kind, c.arg, c.val = clauseField, f[1], f[2]
			return c, nil
		}
		return c, fmt.Errorf("%q is neither a status nor a `Name: value` field", text)
	}
	switch {
	case body == "no body":
		c.kind = clauseNoBody
	case body == "the same" || body == "untouched":
		c.kind = clauseSame
	case reNoField.MatchString(body):
		c.kind, c.arg = clauseNoField, reNoField.FindStringSubmatch(body)[1]
	case reBody.MatchString(body):
		c.kind, c.arg = clauseBody, reBody.FindStringSubmatch(body)[1]
	case reBodyWith.MatchString(body):
		var parts []string
		for _, s := range reCodeSpans.FindAllStringSubmatch(body, -1) {
			parts = append(parts, s[1])
		}
		c.kind, c.arg = clauseBodyHas, strings.Join(parts, "\x00")
	case reRefused.MatchString(body):
		c.kind, c.arg = clauseRefused, reRefused.FindStringSubmatch(body)[1]
	default:
		return c, fmt.Errorf("cannot read the clause %q", text)
	}
	return c, nil
}

// demoResponse is what a curl -si would have shown.
type demoResponse struct {
	*wireResponse
	reason string
}

// demoFetch sends the row's request to localhost:port the way curl -si
// does (curl's Accept unless -H replaces it) and reads the raw response.
func demoFetch(port string, row demoRow) (*demoResponse, error) {
	conn, err := net.DialTimeout("tcp", "localhost:"+port, ioTimeout)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(ioTimeout))
	h := map[string]string{"User-Agent": "curl/8.14.1", "Accept": "*/*"}
	for k, v := range row.header {
		h[canonical(k)] = v
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: localhost:%s\r\n", row.method, row.path, port)
	for _, k := range sortedKeys(h) {
		fmt.Fprintf(&b, "%s: %s\r\n", k, h[k])
	}
	b.WriteString("Connection: close\r\n\r\n")
	if _, err := io.WriteString(conn, b.String()); err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(conn)
	if err != nil {
		return nil, fmt.Errorf("reading the response: %w (got %q)", err, raw)
	}
	resp, err := parseH1Response(raw, row.method)
	if err != nil {
		return nil, fmt.Errorf("%w; raw response: %q", err, raw)
	}
	statusLine, _, _ := strings.Cut(string(raw), "\r\n")
	_, reason, _ := strings.Cut(strings.TrimPrefix(statusLine, "HTTP/1.1 "), " ")
	return &demoResponse{wireResponse: resp, reason: reason}, nil
}

// checkClauses asserts every clause of a column against got; legacy is
// the legacy app's response to the same request, for "the same".
func checkClauses(t *testing.T, what string, clauses []demoClause, got, legacy *demoResponse) {
	t.Helper()
	for _, c := range clauses {
		if c.kind == clauseRefused {
			conn, err := net.DialTimeout("tcp", c.arg, ioTimeout)
			if err == nil {
				conn.Close()
				t.Errorf("%s: %q: a connection to %s was accepted", what, c.text, c.arg)
			} else if !errors.Is(err, syscall.ECONNREFUSED) {
				t.Errorf("%s: %q: dialing %s: %v, want connection refused", what, c.text, c.arg, err)
			}
			continue
		}
		if got == nil {
			t.Errorf("%s: %q: no response to check", what, c.text)
			continue
		}
		switch c.kind {
		case clauseStatus:
			if itoa(got.status) != c.arg || (c.val != "" && got.reason != c.val) {
				t.Errorf("%s: %q: got %d %s", what, c.text, got.status, got.reason)
			}
		case clauseField:
			if v := got.header.Values(c.arg); len(v) != 1 || v[0] != c.val {
				t.Errorf("%s: %q: %s is %q", what, c.text, c.arg, v)
			}
		case clauseNoField:
			if v, ok := got.header[canonical(c.arg)]; ok {
				t.Errorf("%s: %q: %s is %q", what, c.text, c.arg, v)
			}
		case clauseNoBody:
			if len(got.body) != 0 {
				t.Errorf("%s: %q: body %q", what, c.text, got.body)
			}
		case clauseBody:
			if b := string(got.body); b != c.arg && b != c.arg+"\n" {
				t.Errorf("%s: %q: body %q", what, c.text, b)
			}
		case clauseBodyHas:
			for _, s := range strings.Split(c.arg, "\x00") {
				if !bytes.Contains(got.body, []byte(s)) {
					t.Errorf("%s: %q: body %q lacks %q", what, c.text, got.body, s)
				}
			}
		case clauseSame:
			if legacy == nil {
				t.Errorf("%s: %q: no legacy response to compare with", what, c.text)
				continue
			}
			if got.status != legacy.status || !bytes.Equal(got.body, legacy.body) {
				t.Errorf("%s: %q: got %d %q, the legacy app sent %d %q", what, c.text, got.status, got.body, legacy.status, legacy.body)
			}
			skip := map[string]bool{"Date": true, "Server": true, "Via": true}
			for _, k := range append(sortedKeys(got.header), sortedKeys(legacy.header)...) {
				if skip[k] {
					continue
				}
				if g, l := got.header[k], legacy.header[k]; strings.Join(g, "\n") != strings.Join(l, "\n") {
					t.Errorf("%s: %q: %s is %q, the legacy app sent %q", what, c.text, k, g, l)
				}
			}
		default:
			t.Errorf("%s: %q: unknown clause kind %q", what, c.text, c.kind)
		}
	}
}

// demoRoutes lists the paths Caddyfile.example answers on purpose
// (respond /x, handle /x): each must have a row.
func demoRoutes(caddyfile string) []string {
	re := regexp.MustCompile(`(?m)^\s*(?:respond|handle) (/\S+)`)
	var paths []string
	for _, m := range re.FindAllStringSubmatch(caddyfile, -1) {
		paths = append(paths, m[1])
	}
	return paths
}

// startDemo runs bin on Caddyfile.example, unmodified, with a home of its
// own, and waits until both sites and the admin endpoint answer.
func startDemo(t *testing.T, bin, caddyfile string) {
	t.Helper()
	dir := t.TempDir()
	logPath := filepath.Join(dir, "caddy.log")
	cmd := exec.Command(bin, "run", "--config", caddyfile)
	cmd.Dir = dir
	cmd.Env = isolatedEnv(t, dir)
	done := startProcess(t, cmd, logPath, "Caddy")
	client := &http.Client{Timeout: ioTimeout, Transport: &http.Transport{DisableKeepAlives: true}}
	up := func(url string) bool {
		res, err := client.Get(url)
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	}
	deadline := time.Now().Add(20 * time.Second)
	for !up("http://localhost:"+demoLegacyPort+"/ok") || !up("http://localhost:"+demoNormPort+"/ok") || !up("http://"+demoAdmin+"/config/") {
		select {
		case err := <-done:
			t.Fatalf("Caddy exited while starting (are :%s, :%s and %s free? run the tests in a private network namespace): %v",
				demoLegacyPort, demoNormPort, demoAdmin, err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo's sites or admin endpoint did not answer within 20s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestDemoTable runs Caddyfile.example and checks every row of the
// README's before/after table against both sites.
func TestDemoTable(t *testing.T) {
	needCaddy(t)
	readme, err := os.ReadFile(demoReadme)
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile(demoCaddyfile)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := parseDemoTable(string(readme), string(example))
	if err != nil {
		t.Fatal(err)
	}
	if err := checkDemoExcerpt(string(readme), string(example)); err != nil {
		t.Error(err)
	}
	covered := map[string]bool{}
	for _, r := range rows {
		covered[r.path] = true
	}
	for _, p := range demoRoutes(string(example)) {
		if !covered[p] {
			t.Errorf("Caddyfile.example answers %s, but the README's demo table has no row for it", p)
		}
	}
	// A maintenance file left behind would turn every answer into a 503.
	if m := regexp.MustCompile(`(?m)^\s*file (\S+)$`).FindStringSubmatch(string(example)); m != nil {
		if _, err := os.Stat(m[1]); err == nil {
			t.Fatalf("%s exists: the demo is in maintenance; remove it to run this test", m[1])
		}
	}
	caddyfile, err := filepath.Abs(demoCaddyfile)
	if err != nil {
		t.Fatal(err)
	}
	startDemo(t, buildCaddy(t), caddyfile)

	for _, row := range rows {
		what := fmt.Sprintf("README line %d, %s", row.line, row.request)
		var legacy, behind *demoResponse
		if row.port == "PORT" {
			if legacy, err = demoFetch(demoLegacyPort, row); err != nil {
				t.Errorf("%s on :%s: %v", what, demoLegacyPort, err)
				continue
			}
		}
		if behind, err = demoFetch(demoNormPort, row); err != nil {
			t.Errorf("%s on :%s: %v", what, demoNormPort, err)
			continue
		}
		checkClauses(t, what+", legacy column", row.legacy, legacy, nil)
		checkClauses(t, what+", normalize column", row.behind, behind, legacy)
	}

	// The two admin requests the README shows after the table.
	client := &http.Client{Timeout: ioTimeout}
	for _, c := range []struct{ path, want string }{
		{"/normalize/report", `"allow-missing":{`},
		{"/metrics", `caddy_normalize_violations_total{action="enforced",level="MUST",rule="allow-missing",server="srv0"} `},
	} {
		res, err := client.Get("http://" + demoAdmin + c.path)
		if err != nil {
			t.Errorf("GET %s%s: %v", demoAdmin, c.path, err)
			continue
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(c.want)) {
			t.Errorf("GET %s%s: %d, body lacks %q:\n%s", demoAdmin, c.path, res.StatusCode, c.want, firstLines(body, 20))
		}
	}
}

func firstLines(b []byte, n int) string {
	var out []string
	s := bufio.NewScanner(bytes.NewReader(b))
	for s.Scan() && len(out) < n {
		out = append(out, s.Text())
	}
	return strings.Join(out, "\n")
}

// TestParseDemoTable: the parser reads the README's table, and refuses
// what it cannot check rather than skip it.
func TestParseDemoTable(t *testing.T) {
	readme, err := os.ReadFile(demoReadme)
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile(demoCaddyfile)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := parseDemoTable(string(readme), string(example))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if len(r.legacy) == 0 || len(r.behind) == 0 {
			t.Errorf("README line %d: a column with no clause", r.line)
		}
	}
	if err := checkDemoExcerpt(string(readme), string(example)); err != nil {
		t.Error(err)
	}
	excerpt := "x\n" + demoSection + "\n```caddyfile\n:8080 {\n\tretry_after 120\n\t...\n}\n```\n## Next\n"
	if err := checkDemoExcerpt(excerpt, ":8080 {\n\tallow GET\n\tretry_after 120\n}\n"); err != nil {
		t.Errorf("a true excerpt: %v", err)
	}
	for _, cf := range []string{":8080 {\n\tretry_after 60\n}\n", "\tretry_after 120\n:8080 {\n}\n"} {
		if err := checkDemoExcerpt(excerpt, cf); err == nil {
			t.Errorf("an excerpt that is not of %q: no error", cf)
		}
	}

	const head = "## The demo: before and after\n\n| request | legacy app (`:8081`) | behind `normalize` (`:8080`) |\n|---|---|---|\n"
	good := "| `curl -si -H 'Accept: application/json' localhost:PORT/x` | `405 Method Not Allowed`, no `Allow`, body with `a, b` and `c` | `405`, `Allow: GET, HEAD` (RFC 9110 §15.5.6), no body (`retry_after 120`) |\n"
	caddyfile := "\tretry_after 120\n"
	rows, err = parseDemoTable(head+good, caddyfile)
	if err != nil {
		t.Fatalf("a good row: %v", err)
	}
	r := rows[0]
	if r.port != "PORT" || r.path != "/x" || r.header["Accept"] != "application/json" {
		t.Errorf("request parsed as port %q path %q header %q", r.port, r.path, r.header)
	}
	wantLegacy := []demoClause{
		{kind: clauseStatus, arg: "405", val: "Method Not Allowed"},
		{kind: clauseNoField, arg: "Allow"},
		{kind: clauseBodyHas, arg: "a, b\x00c"},
	}
	wantBehind := []demoClause{
		{kind: clauseStatus, arg: "405"},
		{kind: clauseField, arg: "Allow", val: "GET, HEAD"},
		{kind: clauseNoBody},
	}
	for _, col := range []struct {
		got, want []demoClause
	}{{r.legacy, wantLegacy}, {r.behind, wantBehind}} {
		if len(col.got) != len(col.want) {
			t.Fatalf("clauses %+v, want %+v", col.got, col.want)
		}
		for i := range col.got {
			g := col.got[i]
			g.text = ""
			if g != col.want[i] {
				t.Errorf("clause %d: %+v, want %+v", i, g, col.want[i])
			}
		}
	}

	for _, bad := range []struct{ name, table, caddyfile string }{
		{"no section", "## Other\n", ""},
		{"no rows", head, ""},
		{"other columns", "## The demo: before and after\n\n| a | b | c |\n|---|---|---|\n" + good, caddyfile},
		{"two cells", head + "| `curl -si localhost:PORT/x` | `200` |\n", ""},
		{"not curl", head + "| `wget localhost:PORT/x` | `200` | `200` |\n", ""},
		{"unknown port", head + "| `curl -si localhost:9999/x` | `200` | `200` |\n", ""},
		{"prose clause", head + "| `curl -si localhost:PORT/x` | `200`, a friendly page | `200` |\n", ""},
		{"no status", head + "| `curl -si localhost:PORT/x` | no body | `200` |\n", ""},
		{"bad code span", head + "| `curl -si localhost:PORT/x` | `200`, `hello` | `200` |\n", ""},
		{"prose note", head + "| `curl -si localhost:PORT/x` | `200` (probably) | `200` |\n", ""},
		{"directive not in the example", head + "| `curl -si localhost:PORT/x` | `200` | `200` (`retry_after 60`) |\n", caddyfile},
		{"legacy needs :8081", head + "| `curl -si localhost:8080/x` | `200` | `200` |\n", ""},
		{"refused behind normalize", head + "| `curl -si localhost:PORT/x` | `200` | `localhost:1` refuses connections |\n", ""},
	} {
		if _, err := parseDemoTable(bad.table, bad.caddyfile); err == nil {
			t.Errorf("%s: parsed without error", bad.name)
		}
	}
}
