package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRunVersion(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"-version"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.HasPrefix(got, "prismsim ") || strings.Count(got, "\n") != 1 {
		t.Errorf("-version printed %q", got)
	}
	version = "1.2.3"
	t.Cleanup(func() { version = "" })
	out.Reset()
	if err := run(context.Background(), []string{"-version"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "prismsim 1.2.3\n" {
		t.Errorf("-version printed %q with the release version set", got)
	}
}
