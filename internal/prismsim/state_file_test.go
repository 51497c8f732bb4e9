package prismsim

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestWriteStateLeavesOnlyItsFiles checks that env.json is put in place whole (written aside,
// then renamed) and that writing the state again leaves no temporary file behind.
func TestWriteStateLeavesOnlyItsFiles(t *testing.T) {
	w := startWorld(t, nil)
	dir := t.TempDir()
	for range 2 {
		if _, err := w.WriteState(dir); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	want := []string{"env.json"}
	for _, name := range w.PCNames() {
		want = append(want, name+"-ca.pem")
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("state dir holds %v, want %v", got, want)
	}
	if info, err := os.Stat(filepath.Join(dir, "env.json")); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("env.json: %v, %v", info, err)
	}
}
