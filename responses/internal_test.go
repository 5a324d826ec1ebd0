package responses

import "testing"

// Tests of unexported helpers.

func TestContentRange(t *testing.T) {
	tests := []struct{ got, want string }{
		{contentRange(0, 499, 1234), "bytes 0-499/1234"},
		{contentRange(500, 999, -1), "bytes 500-999/*"},
		{unsatisfiedContentRange(1234), "bytes */1234"},
		{unsatisfiedContentRange(0), "bytes */0"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestNewProblem(t *testing.T) {
	p := newProblem(429, "slow down")
	want := Problem{Type: "about:blank", Title: "Too Many Requests", Status: 429, Detail: "slow down"}
	if p != want {
		t.Errorf("got %+v, want %+v", p, want)
	}
}

func TestURIScheme(t *testing.T) {
	tests := []struct{ ref, want string }{
		{"https://example.com/", "https"},
		{"HTTP://example.com/", "HTTP"},
		{"javascript:alert(1)", "javascript"},
		{"git+ssh://host/repo", "git+ssh"},
		{"/a:b", ""},
		{"a/b:c", ""},
		{"?x=a:b", ""},
		{"#a:b", ""},
		{"//host:80/p", ""},
		{"1a:b", ""}, // a scheme starts with a letter: this is a path
		{":x", ""},   // no scheme before the colon
		{"rel", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := uriScheme(tt.ref); got != tt.want {
			t.Errorf("uriScheme(%q) = %q, want %q", tt.ref, got, tt.want)
		}
	}
}

func TestEqualFold(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Accept", "accept", true}, {"UTF-8", "utf-8", true}, {"", "", true},
		{"a", "b", false}, {"ab", "a", false}, {"\xc3\xa9", "\xc3\x89", false},
	}
	for _, tt := range tests {
		if got := equalFold(tt.a, tt.b); got != tt.want {
			t.Errorf("equalFold(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}
