// Package assets embeds what the app ships besides code: the icon, the UI
// translations, default canned replies and demo data. It never imports
// fyne, so headless tools can use it too; the ui package wraps the bytes.
package assets

import "embed"

// IconPNG is the 512×512 app icon (drawn by gen_icon.go).
//
//go:embed icon.png
var IconPNG []byte

// Translations holds the UI strings in Fyne's lang format, one file per
// language under "translations" (en.json, zh-Hans.json).
//
//go:embed translations/*.json
var Translations embed.FS

// TranslationsDir is the folder inside Translations that holds the files.
const TranslationsDir = "translations"
