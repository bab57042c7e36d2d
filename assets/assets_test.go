package assets

import (
	"bytes"
	"encoding/json"
	"image/png"
	"slices"
	"strings"
	"testing"
)

func TestIcon(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(IconPNG))
	if err != nil {
		t.Fatalf("decode icon: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 512 || b.Dy() != 512 {
		t.Errorf("icon is %v, want 512x512", b)
	}
}

var reserved = map[string]bool{"id": true, "description": true, "hash": true, "leftdelim": true,
	"rightdelim": true, "zero": true, "one": true, "two": true, "few": true, "many": true,
	"other": true, "translation": true}

func TestTranslationsHaveTheSameKeys(t *testing.T) {
	load := func(name string) map[string]string {
		data, err := Translations.ReadFile(TranslationsDir + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for k, v := range m {
			// go-i18n reads these keys as message fields, not messages,
			// and then rejects the whole file.
			if reserved[strings.ToLower(k)] {
				t.Errorf("%s: %q is a reserved word in Fyne's lang format; use a longer key", name, k)
			}
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %q has an empty translation", name, k)
			}
			// Template fields must survive translation.
			for _, field := range []string{"{{.Time}}", "{{.Date}}", "{{.M}}", "{{.H}}", "{{.D}}", "{{.Shown}}", "{{.Total}}"} {
				if strings.Contains(k, field) != strings.Contains(v, field) {
					t.Errorf("%s: %q -> %q loses or adds %s", name, k, v, field)
				}
			}
		}
		return m
	}
	en, zh := load("en.json"), load("zh-Hans.json")
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("zh-Hans.json lacks %q", k)
		}
	}
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("en.json lacks %q", k)
		}
	}
	if len(en) == 0 {
		t.Error("no translations")
	}
	files, err := Translations.ReadDir(TranslationsDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name())
	}
	if want := []string{"en.json", "zh-Hans.json"}; !slices.Equal(names, want) {
		t.Errorf("translation files = %v, want %v", names, want)
	}
}
