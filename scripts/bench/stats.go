package main

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// series is a set of measurements of one figure, one per run or sample.
type series []float64

func (s series) sorted() []float64 {
	c := append([]float64(nil), s...)
	sort.Float64s(c)
	return c
}

// Median is the middle value (the mean of the two middle ones for an even
// count); NaN for no values.
func (s series) Median() float64 {
	if len(s) == 0 {
		return math.NaN()
	}
	c := s.sorted()
	n := len(c)
	if n%2 == 1 {
		return c[n/2]
	}
	return (c[n/2-1] + c[n/2]) / 2
}

func (s series) Min() float64 {
	if len(s) == 0 {
		return math.NaN()
	}
	return s.sorted()[0]
}

func (s series) Max() float64 {
	if len(s) == 0 {
		return math.NaN()
	}
	return s.sorted()[len(s)-1]
}

// Spread formats "median (min–max)" with f, or only the median for one
// value, or "–" for none.
func (s series) Spread(f func(float64) string) string {
	switch len(s) {
	case 0:
		return "–"
	case 1:
		return f(s[0])
	}
	return fmt.Sprintf("%s (%s–%s)", f(s.Median()), f(s.Min()), f(s.Max()))
}

// ratio is a/b of two medians, NaN when either is missing or b is 0.
func ratio(a, b series) float64 {
	x, y := a.Median(), b.Median()
	if math.IsNaN(x) || math.IsNaN(y) || y == 0 {
		return math.NaN()
	}
	return x / y
}

// fmtInt prints a count with thin grouping: 12 345.
func fmtInt(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	s := fmt.Sprintf("%.0f", v)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// fmtMs prints milliseconds with two significant decimals below 10.
func fmtMs(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case v < 10:
		return fmt.Sprintf("%.2f", v)
	case v < 100:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

// fmtSec prints seconds: 0.035, 1.24, 12.3.
func fmtSec(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case v < 1:
		return fmt.Sprintf("%.3f", v)
	case v < 10:
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func fmtRatio(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	if v >= 10 {
		return fmt.Sprintf("%.0f×", v)
	}
	return fmt.Sprintf("%.2f×", v)
}

func fmtPct(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	if v < 10 {
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func fmtMiB(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.1f", v/(1<<20))
}
