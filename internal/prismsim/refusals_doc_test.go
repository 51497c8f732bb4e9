package prismsim

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// refusalReadme is the document whose "Refusals and where they come from" section lists
// every refusal of the emulator by file and message.
const refusalReadme = "../../tools/prismsim/README.md"

var (
	refusalFileHeading = regexp.MustCompile(`^#### (\S+\.go)$`)
	refusalRow         = regexp.MustCompile("^\\| ([abc-]) \\| `(.*)` \\| .* \\|$")
	refusalCounts      = regexp.MustCompile(`^Counts: \*\*(\d+) \(a\)\*\*, \*\*(\d+) \(b\)\*\*, \*\*(\d+) \(c\)\*\*, (\d+) not a v3 refusal \((\d+) sites`)
)

// stringLiterals returns the values of the string literals of a Go file.
func stringLiterals(t *testing.T, path string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		if bl, ok := n.(*ast.BasicLit); ok && bl.Kind == token.STRING {
			if v, err := strconv.Unquote(bl.Value); err == nil {
				out = append(out, v)
			}
		}
		return true
	})
	return out
}

// TestRefusalTable keeps the refusal table of tools/prismsim/README.md true to the code:
// each row's message (a string literal, or its start when it ends with "...") is in the
// file the row is listed under, or among the model's shared messages (model/errors.go),
// and the counts in the text are those of the rows.
func TestRefusalTable(t *testing.T) {
	f, err := os.Open(refusalReadme)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	shared := stringLiterals(t, "model/errors.go")
	literals := map[string][]string{}
	inSection := false
	file := ""
	counts := map[string]int{}
	var stated []int
	rows := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			inSection = line == "## Refusals and where they come from"
			continue
		}
		if !inSection {
			continue
		}
		if m := refusalCounts.FindStringSubmatch(line); m != nil {
			for _, s := range m[1:] {
				n, _ := strconv.Atoi(s)
				stated = append(stated, n)
			}
			continue
		}
		if m := refusalFileHeading.FindStringSubmatch(line); m != nil {
			file = m[1]
			if _, ok := literals[file]; !ok {
				if _, err := os.Stat(file); err != nil {
					t.Errorf("README lists refusals of %s, which does not exist", file)
					literals[file] = nil
					continue
				}
				literals[file] = stringLiterals(t, file)
			}
			continue
		}
		m := refusalRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		rows++
		counts[m[1]]++
		msg := m[2]
		prefix := strings.HasSuffix(msg, "...")
		if prefix {
			msg = strings.TrimSuffix(msg, "...")
		}
		found := false
		for _, v := range append(append([]string(nil), literals[file]...), shared...) {
			if v == msg || (prefix && strings.HasPrefix(v, msg)) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("README lists the refusal %q under %s, which has no such message: update the table", m[2], file)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if rows == 0 {
		t.Fatal("no refusal rows found in the README")
	}
	got := []int{counts["a"], counts["b"], counts["c"], counts["-"], rows}
	if fmt.Sprint(got) != fmt.Sprint(stated) {
		t.Errorf("README states counts (a, b, c, -, sites) %v, its rows count %v", stated, got)
	}
}
