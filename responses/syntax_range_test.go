package responses

import "testing"

func TestParseContentRange(t *testing.T) {
	for _, c := range []struct {
		v    string
		ok   bool
		want ContentRangeValue
	}{
		{"bytes 0-499/1234", true, ContentRangeValue{Unit: "bytes", First: 0, Last: 499, Complete: 1234}},
		{"bytes 0-0/1", true, ContentRangeValue{Unit: "bytes", Last: 0, Complete: 1}},
		{"bytes 5-9/*", true, ContentRangeValue{Unit: "bytes", First: 5, Last: 9, Complete: -1}},
		{"bytes */1234", true, ContentRangeValue{Unit: "bytes", Unsatisfied: true, Complete: 1234}},
		{"bytes */0", true, ContentRangeValue{Unit: "bytes", Unsatisfied: true, Complete: 0}},
		{"items 0-9/100", true, ContentRangeValue{Unit: "items", Last: 9, Complete: 100}},
		{"bytes 0-5/5", false, ContentRangeValue{}},
		{"bytes 9-2/12", false, ContentRangeValue{}},
		{"bytes=0-4/5", false, ContentRangeValue{}},
		{"0-4/5", false, ContentRangeValue{}},
		{"bytes 0-4", false, ContentRangeValue{}},
		{"bytes 0-1/*x", false, ContentRangeValue{}},
		{"bytes */*", false, ContentRangeValue{}},
		{"bytes -1-4/5", false, ContentRangeValue{}},
		{"bytes 0-4/5 ", false, ContentRangeValue{}},
		{"bytes  0-4/5", false, ContentRangeValue{}},
		{"bytes 0-99999999999999999999/*", false, ContentRangeValue{}},
		{"", false, ContentRangeValue{}},
	} {
		got, ok := ParseContentRange(c.v)
		if ok != c.ok || ok && got != c.want {
			t.Errorf("ParseContentRange(%q) = %+v, %v; want %+v, %v", c.v, got, ok, c.want, c.ok)
		}
		if ValidContentRange(c.v) != c.ok {
			t.Errorf("ValidContentRange(%q) = %v", c.v, !c.ok)
		}
	}
	if n := testing.AllocsPerRun(100, func() { ParseContentRange("bytes 0-499/1234") }); n != 0 {
		t.Errorf("ParseContentRange allocates %v times", n)
	}
}
