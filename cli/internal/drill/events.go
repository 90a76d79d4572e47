package drill

import (
	"bufio"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Event is one Sentinel event read from its log.
type Event struct {
	Time     time.Time `json:"time"`
	Sentinel string    `json:"sentinel"`
	Name     string    `json:"name"`   // +sdown, +odown, +elected-leader, +switch-master...
	Detail   string    `json:"detail"` // the rest of the line
}

// A Sentinel log line behind Docker's timestamp:
// 2026-11-22T22:35:54.196123456Z 1:X 22 Nov 2026 22:35:54.196 # +sdown master mymaster redis-1 6379
var eventLine = regexp.MustCompile(`^(\S+) \d+:X \d+ \w+ \d+ [\d:.]+ [.\-*#] ([+-][a-z][a-z-]*)(?: (.*))?$`)

// ParseEvents reads the events in one Sentinel's timestamped log.
func ParseEvents(sentinel, log string) []Event {
	var events []Event
	sc := bufio.NewScanner(strings.NewReader(log))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		m := eventLine.FindStringSubmatch(strings.TrimRight(sc.Text(), "\r"))
		if m == nil {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, m[1])
		if err != nil {
			continue
		}
		events = append(events, Event{Time: t, Sentinel: sentinel, Name: m[2], Detail: m[3]})
	}
	return events
}

// SortEvents orders events by time.
func SortEvents(events []Event) {
	sort.SliceStable(events, func(i, j int) bool { return events[i].Time.Before(events[j].Time) })
}

// First finds the earliest event named name at or after since whose detail
// starts with prefix (e.g. "master" to skip +sdown of a replica).
func First(events []Event, name, prefix string, since time.Time) (Event, bool) {
	var best Event
	found := false
	for _, e := range events {
		if e.Name != name || e.Time.Before(since) || !strings.HasPrefix(e.Detail, prefix) {
			continue
		}
		if !found || e.Time.Before(best.Time) {
			best, found = e, true
		}
	}
	return best, found
}

// Switches counts the distinct master switches (+switch-master from one
// master to another) at or after since. Every Sentinel reports each switch;
// they count once.
func Switches(events []Event, since time.Time) int {
	seen := map[string]bool{}
	for _, e := range events {
		if e.Name == "+switch-master" && !e.Time.Before(since) {
			seen[e.Detail] = true
		}
	}
	return len(seen)
}
