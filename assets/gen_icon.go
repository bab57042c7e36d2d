//go:build ignore

// gen_icon draws Shopdesk's app icon: a teal rounded square with a white
// speech bubble (customer talk) whose three dots sit above a desk line.
// Run from this folder with: go run gen_icon.go
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

const size = 512

// samples is the supersampling grid per pixel axis, for smooth edges.
const samples = 4

func main() {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			img.SetNRGBA(x, y, pixel(float64(x), float64(y)))
		}
	}
	f, err := os.Create("icon.png")
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

type rgba struct{ r, g, b, a float64 }

// pixel averages the painted colour of samples×samples points in the pixel.
func pixel(px, py float64) color.NRGBA {
	var sum rgba
	for sy := 0; sy < samples; sy++ {
		for sx := 0; sx < samples; sx++ {
			c := paint(px+(float64(sx)+0.5)/samples, py+(float64(sy)+0.5)/samples)
			// Premultiply so transparent samples do not darken edges.
			sum.r += c.r * c.a
			sum.g += c.g * c.a
			sum.b += c.b * c.a
			sum.a += c.a
		}
	}
	n := float64(samples * samples)
	if sum.a == 0 {
		return color.NRGBA{}
	}
	return color.NRGBA{
		R: uint8(math.Round(sum.r / sum.a * 255)),
		G: uint8(math.Round(sum.g / sum.a * 255)),
		B: uint8(math.Round(sum.b / sum.a * 255)),
		A: uint8(math.Round(sum.a / n * 255)),
	}
}

var (
	white = rgba{1, 1, 1, 1}
	amber = rgba{1.0, 0.71, 0.25, 1}
	ink   = rgba{0.07, 0.36, 0.40, 1}
)

// paint returns the colour at a point; later shapes cover earlier ones.
func paint(x, y float64) rgba {
	if !inRoundRect(x, y, 16, 16, 496, 496, 104) {
		return rgba{}
	}
	// Background: a diagonal teal gradient.
	t := (x + y) / (2 * size)
	c := rgba{0.10 + 0.06*t, 0.62 - 0.18*t, 0.62 - 0.10*t, 1}

	// The desk: an amber bar across the lower part.
	if inRoundRect(x, y, 96, 384, 416, 412, 14) {
		c = amber
	}
	// The speech bubble with its tail pointing down-left.
	if inRoundRect(x, y, 112, 112, 400, 316, 56) || inTriangle(x, y, 152, 300, 232, 300, 140, 372) {
		c = white
	}
	// Three dots: someone is typing.
	for _, cx := range []float64{188, 256, 324} {
		if math.Hypot(x-cx, y-214) <= 24 {
			c = ink
		}
	}
	return c
}

func inRoundRect(x, y, x0, y0, x1, y1, r float64) bool {
	if x < x0 || x > x1 || y < y0 || y > y1 {
		return false
	}
	cx := math.Max(x0+r, math.Min(x, x1-r))
	cy := math.Max(y0+r, math.Min(y, y1-r))
	return math.Hypot(x-cx, y-cy) <= r
}

func inTriangle(x, y, ax, ay, bx, by, cx, cy float64) bool {
	d1 := (x-bx)*(ay-by) - (ax-bx)*(y-by)
	d2 := (x-cx)*(by-cy) - (bx-cx)*(y-cy)
	d3 := (x-ax)*(cy-ay) - (cx-ax)*(y-ay)
	neg := d1 < 0 || d2 < 0 || d3 < 0
	pos := d1 > 0 || d2 > 0 || d3 > 0
	return !(neg && pos)
}
