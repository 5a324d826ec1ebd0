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
