package handlers

import (
	"image"
	"image/color"
	"regexp"
	"strconv"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

var (
	viewBoxRE = regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`)
	runRE     = regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`)
)

// rasterize draws the SVG that qrSVG makes, scale pixels per module, the way a
// printer would.
func rasterize(t *testing.T, svg string, scale int) image.Image {
	t.Helper()
	vb := viewBoxRE.FindStringSubmatch(svg)
	if vb == nil {
		t.Fatalf("no viewBox in %.80s", svg)
	}
	n, _ := strconv.Atoi(vb[1])
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for _, m := range runRE.FindAllStringSubmatch(svg, -1) {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		w, _ := strconv.Atoi(m[3])
		for px := x * scale; px < (x+w)*scale; px++ {
			for py := y * scale; py < (y+1)*scale; py++ {
				img.Set(px, py, color.Black)
			}
		}
	}
	return img
}

// TestQRCodeScans decodes the drawn QR code with ZXing's decoder: what the
// printed card encodes is exactly the table's survey URL.
func TestQRCodeScans(t *testing.T) {
	for _, text := range []string{
		"http://localhost:8080/t/BUHEury---lOrXMOj95Jmw",
		"https://feedback.harbour-kitchen.example.com/t/2fS_o1P8HlUuOMtXlo476A",
	} {
		svg, err := qrSVG(text)
		if err != nil {
			t.Fatal(err)
		}
		bmp, err := gozxing.NewBinaryBitmapFromImage(rasterize(t, svg, 4))
		if err != nil {
			t.Fatal(err)
		}
		res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
		if err != nil {
			t.Fatalf("%s: the QR code does not scan: %v", text, err)
		}
		if res.GetText() != text {
			t.Fatalf("scanned %q, want %q", res.GetText(), text)
		}
		if len(svg) > 8<<10 {
			t.Errorf("SVG is %d bytes; one path per row-run should stay small", len(svg))
		}
	}
}
