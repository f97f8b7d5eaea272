package handlers

import (
	"testing"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

// ScanQR reads a QR code drawn by qrSVG as a phone's camera would (ZXing's
// decoder), for the tests outside the package.
func ScanQR(t *testing.T, svg string) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(rasterize(t, svg, 4))
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("the QR code does not scan: %v", err)
	}
	return res.GetText()
}
