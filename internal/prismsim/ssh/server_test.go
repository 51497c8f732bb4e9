package ssh

import (
	"strings"
	"testing"
)

func TestSplitCommandLine(t *testing.T) {
	for in, want := range map[string][]string{
		"a  b\tc":                  {"a", "b", "c"},
		"-b 'x y' \"z \\\" w\"":    {"-b", "x y", `z " w`},
		"deploy \\\n-b x \\\n-r y": {"deploy", "-b", "x", "-r", "y"},
		`a\ b`:                     {"a b"},
		"":                         nil,
		"x=''":                     {"x="},
	} {
		got, err := splitCommandLine(in)
		if err != nil || strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
}
