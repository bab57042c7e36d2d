package ui

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/shopdesk/shopdesk/assets"
)

// TestEveryStringIsTranslated finds each lang.L/lang.X call in the ui
// sources and checks its key exists in every translation file.
func TestEveryStringIsTranslated(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	langs := map[string]map[string]string{}
	for _, name := range []string{"en.json", "zh-Hans.json"} {
		data, err := assets.Translations.ReadFile(assets.TranslationsDir + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		langs[name] = m
	}

	fset := token.NewFileSet()
	used := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "lang" || (sel.Sel.Name != "L" && sel.Sel.Name != "X") {
				return true
			}
			pos := fset.Position(call.Pos())
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: lang.%s needs a literal key so it can be checked", pos, sel.Sel.Name)
				return true
			}
			key, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatalf("%s: %v", pos, err)
			}
			used++
			for name, m := range langs {
				if m[key] == "" {
					t.Errorf("%s: %q is missing from %s", pos, key, name)
				}
			}
			return true
		})
	}
	if used < 50 {
		t.Errorf("found only %d translated strings; is the scan broken?", used)
	}
}
