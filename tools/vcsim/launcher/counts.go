package main

import "sync"

// callCounts counts SOAP requests per method, as received (faulted, dropped and
// injected calls included), so tests and benchmarks can assert round trips.
type callCounts struct {
	mu     sync.Mutex
	counts map[string]int
}

func newCallCounts() *callCounts {
	return &callCounts{counts: map[string]int{}}
}

func (c *callCounts) add(method string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts[method]++
}

func (c *callCounts) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.counts))
	for k, v := range c.counts {
		out[k] = v
	}
	return out
}

func (c *callCounts) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts = map[string]int{}
}
