package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"sort"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

var phaseColors = map[string]color.RGBA{
	"apply":   {R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	"plan":    {R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	"update":  {R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
	"destroy": {R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
}

// drawChart plots wall time against N, one line per phase.
func drawChart(path string, results []Result) error {
	const w, h, left, bottom, top, right = 720, 480, 70, 50, 30, 120
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	maxN, maxT := 1.0, 1.0
	byPhase := map[string][]Result{}
	for _, r := range results {
		maxN = max(maxN, float64(r.N))
		maxT = max(maxT, r.WallSeconds)
		byPhase[r.Phase] = append(byPhase[r.Phase], r)
	}
	x := func(n float64) int { return left + int(n/maxN*float64(w-left-right)) }
	y := func(t float64) int { return h - bottom - int(t/maxT*float64(h-bottom-top)) }
	black := color.RGBA{A: 0xff}
	grey := color.RGBA{R: 0xcc, G: 0xcc, B: 0xcc, A: 0xff}
	line(img, x(0), y(0), x(maxN), y(0), black)
	line(img, x(0), y(0), x(0), y(maxT), black)
	for i := 1; i <= 4; i++ {
		t := maxT * float64(i) / 4
		line(img, x(0), y(t), x(maxN), y(t), grey)
		label(img, 5, y(t)+4, fmt.Sprintf("%.1fs", t), black)
	}
	seenN := map[int]bool{}
	for _, r := range results {
		if !seenN[r.N] {
			seenN[r.N] = true
			label(img, x(float64(r.N))-10, h-bottom+18, fmt.Sprintf("%d", r.N), black)
		}
	}
	label(img, w/2-60, h-10, "resources (N)", black)
	label(img, left, 18, "wall time per phase", black)
	phases := []string{"apply", "plan", "update", "destroy"}
	for i, p := range phases {
		rs := byPhase[p]
		sort.Slice(rs, func(a, b int) bool { return rs[a].N < rs[b].N })
		c := phaseColors[p]
		for j := 1; j < len(rs); j++ {
			thickLine(img, x(float64(rs[j-1].N)), y(rs[j-1].WallSeconds), x(float64(rs[j].N)), y(rs[j].WallSeconds), c)
		}
		for _, r := range rs {
			dot(img, x(float64(r.N)), y(r.WallSeconds), c)
		}
		thickLine(img, w-right+15, top+20+i*20, w-right+35, top+20+i*20, c)
		label(img, w-right+40, top+24+i*20, p, black)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

func line(img *image.RGBA, x0, y0, x1, y1 int, c color.Color) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := sign(x1-x0), sign(y1-y0)
	e := dx + dy
	for {
		img.Set(x0, y0, c)
		if x0 == x1 && y0 == y1 {
			return
		}
		if e2 := 2 * e; e2 >= dy {
			e += dy
			x0 += sx
		} else {
			e += dx
			y0 += sy
		}
	}
}

func thickLine(img *image.RGBA, x0, y0, x1, y1 int, c color.Color) {
	for d := -1; d <= 1; d++ {
		line(img, x0, y0+d, x1, y1+d, c)
	}
}

func dot(img *image.RGBA, cx, cy int, c color.Color) {
	for dx := -3; dx <= 3; dx++ {
		for dy := -3; dy <= 3; dy++ {
			img.Set(cx+dx, cy+dy, c)
		}
	}
}

func label(img *image.RGBA, x, y int, s string, c color.Color) {
	d := &font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func sign(v int) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}
