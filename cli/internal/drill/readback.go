package drill

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"time"
)

// readBack reads every acknowledged write through HAProxy and counts those
// that are gone or changed.
func (d *Drill) readBack(ctx context.Context, samples []Sample) {
	keys := AckedKeys(samples)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	prefix := KeyPrefix(d.traffic.RunID)
	var mu sync.Mutex
	var wg sync.WaitGroup
	work := make(chan string)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for key := range work {
				lost, unknown := d.readOne(rctx, key, strings.TrimPrefix(key, prefix))
				mu.Lock()
				if lost {
					d.report.Lost++
					if len(d.report.LostKeys) < 20 {
						d.report.LostKeys = append(d.report.LostKeys, key)
					}
				}
				if unknown {
					d.report.Unverified++
				}
				mu.Unlock()
			}
		}()
	}
	for _, k := range keys {
		work <- k
	}
	close(work)
	wg.Wait()
}

func (d *Drill) readOne(ctx context.Context, key, want string) (lost, unknown bool) {
	for attempt := 0; attempt < 5; attempt++ {
		code, body, err := d.Probe.Front(ctx, "/get?key="+url.QueryEscape(key))
		switch {
		case err == nil && code == 200:
			return body != want, false
		case err == nil && code == 404:
			return true, false
		}
		if sleep(ctx, 200*time.Millisecond) != nil {
			break
		}
	}
	return false, true
}
