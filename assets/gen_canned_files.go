//go:build ignore

// gen_canned_files makes the files the default canned replies attach:
// canned/files/size-chart.png, a bilingual bedding size chart, and
// canned/files/return-label.pdf, a one-page return label with the shop's
// address left as placeholder lines for the seller to replace.
// Run from this folder with: go run gen_canned_files.go [CJK font .ttc]
// (the chart's Chinese needs a CJK font; Noto Sans CJK by default).
package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"log"
	"os"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

func main() {
	fontPath := "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
	if len(os.Args) > 1 {
		fontPath = os.Args[1]
	}
	if err := os.WriteFile("canned/files/size-chart.png", sizeChart(fontPath), 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("canned/files/return-label.pdf", returnLabel(), 0o644); err != nil {
		log.Fatal(err)
	}
}

// The chart's rows: bed width, the usual names, then cm sizes.
var chart = [][]string{
	{"床宽 Bed", "尺码 Size", "被套 Duvet cover", "床单 Flat sheet", "枕套 Pillowcase"},
	{"1.2 m", "单人 Single / Twin", "150 × 200", "160 × 230", "48 × 74"},
	{"1.5 m", "双人 Double / Full", "180 × 220", "200 × 230", "48 × 74"},
	{"1.8 m", "大床 Queen", "200 × 230", "245 × 250", "48 × 74"},
	{"2.0 m", "特大 King", "220 × 240", "250 × 270", "48 × 74"},
}

var colWidths = []int{120, 220, 200, 200, 180}

const (
	rowH   = 54
	margin = 30
	titleH = 70
	noteH  = 30
)

func sizeChart(fontPath string) []byte {
	data, err := os.ReadFile(fontPath)
	if err != nil {
		log.Fatal(err)
	}
	coll, err := opentype.ParseCollection(data)
	if err != nil {
		log.Fatal(err)
	}
	var face *opentype.Font
	for i := range coll.NumFonts() {
		f, err := coll.Font(i)
		if err != nil {
			log.Fatal(err)
		}
		name, _ := f.Name(nil, 1) // family
		if strings.HasSuffix(name, " SC") && !strings.Contains(name, "Mono") {
			face = f
		}
	}
	if face == nil {
		log.Fatal("no Simplified Chinese face in ", fontPath)
	}
	faceOf := func(size float64) font.Face {
		fc, err := opentype.NewFace(face, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			log.Fatal(err)
		}
		return fc
	}
	body, title, small := faceOf(20), faceOf(28), faceOf(16)

	width := margin * 2
	for _, w := range colWidths {
		width += w
	}
	height := margin*2 + titleH + rowH*len(chart) + noteH
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	teal := color.RGBA{0x0f, 0x76, 0x6e, 0xff}
	ink := color.RGBA{0x1f, 0x29, 0x37, 0xff}
	stripe := color.RGBA{0xf0, 0xfa, 0xf8, 0xff}
	line := color.RGBA{0xcb, 0xd5, 0xe1, 0xff}

	text := func(f font.Face, s string, x, y int, c color.Color) {
		d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: f, Dot: fixed.P(x, y)}
		d.DrawString(s)
	}
	fill := func(r image.Rectangle, c color.Color) {
		draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
	}
	text(title, "尺码表 Size chart (cm)", margin, margin+40, teal)
	top := margin + titleH
	for i, row := range chart {
		y := top + i*rowH
		switch {
		case i == 0:
			fill(image.Rect(margin, y, width-margin, y+rowH), teal)
		case i%2 == 0:
			fill(image.Rect(margin, y, width-margin, y+rowH), stripe)
		}
		x := margin
		for j, cell := range row {
			c := color.Color(ink)
			if i == 0 {
				c = color.White
			}
			text(body, cell, x+12, y+rowH/2+8, c)
			x += colWidths[j]
		}
		fill(image.Rect(margin, y+rowH-1, width-margin, y+rowH), line)
	}
	text(small, "被芯比被套小 5–10 cm 刚好。Pick a duvet insert 5–10 cm smaller than the cover.", margin, top+rowH*len(chart)+34, ink)

	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		log.Fatal(err)
	}
	return buf.Bytes()
}

// returnLabel writes a one-page A6 PDF by hand: a catalog, a page, a
// content stream in Helvetica, and the cross-reference table with the
// byte offset of every object.
func returnLabel() []byte {
	var content strings.Builder
	line := func(size, x, y int, s string) {
		fmt.Fprintf(&content, "BT /F1 %d Tf %d %d Td (%s) Tj ET\n", size, x, y, s)
	}
	bold := func(size, x, y int, s string) {
		fmt.Fprintf(&content, "BT /F2 %d Tf %d %d Td (%s) Tj ET\n", size, x, y, s)
	}
	content.WriteString("2 w 14 14 269 392 re S\n")
	bold(20, 28, 372, "RETURN LABEL")
	line(9, 28, 356, "Stick this on the parcel. Keep the receipt.")
	content.WriteString("1 w 28 344 m 269 344 l S\n")
	bold(11, 28, 324, "RETURN TO")
	for i, s := range []string{"[Shop name]", "[Street and number]", "[City, postcode]", "[Country]", "[Phone]"} {
		line(12, 28, 306-i*16, s)
	}
	content.WriteString("28 212 m 269 212 l S\n")
	bold(11, 28, 192, "FROM")
	for i, s := range []string{"Name: ______________________________", "Order number: ______________________", "Reason: ___________________________"} {
		line(11, 28, 172-i*22, s)
	}
	content.WriteString("28 96 m 269 96 l S\n")
	line(9, 28, 78, "Returns within 30 days, unused, in the original packaging.")
	line(9, 28, 64, "Questions? Reply to our email and we will help.")
	stream := content.String()

	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 297 420] /Contents 4 0 R /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
	}
	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return out.Bytes()
}
